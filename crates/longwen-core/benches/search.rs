//! Search over 100,000 stored messages (50,000 questions and their answers, Chinese and
//! English), through `Engine::search` as the CLI and the app call it. The messages are written
//! straight through the store API in one transaction. Prints rows of the benchmark table
//! (`scripts/bench.sh` runs it): `cargo bench -p longwen-core --bench search`.

use longwen_core::store::{self, chats, messages};
use longwen_core::types::MessageStatus;
use longwen_core::{Engine, EngineConfig};
use std::time::{Duration, Instant};

const MESSAGES: usize = 100_000;
const TURNS_PER_CHAT: usize = 100;
const RUNS: usize = 5;
/// What the CLI and the app ask for.
const LIMIT: usize = 50;
const TARGET_MS: f64 = 100.0;

const ZH: &[&str] = &[
    "根据合同第八条的约定，乙方应在收到订单后三十日内交付全部货物。",
    "甲方有权对到货产品进行抽检，抽检不合格的，乙方应在七日内无偿更换。",
    "付款方式为验收合格后三十日内支付合同总价的百分之九十五，余款作为质量保证金。",
    "如遇不可抗力，受影响一方应在十五日内书面通知对方，并提供有关证明文件。",
    "本合同适用中华人民共和国法律，争议提交上海国际仲裁中心仲裁解决。",
    "乙方逾期交货的，每逾期一日，应按逾期交付货物金额的0.5%向甲方支付违约金。",
    "第三季度华东区销售额同比增长百分之十二，其中线上渠道贡献了主要增量。",
    "员工每年享有带薪年假，工作满一年不满十年的，年休假五天。",
    "报价单中的单价已含增值税和运费，有效期为三十个自然日。",
    "会议决定下周三前完成供应商评估报告，并提交采购委员会审议。",
];

const EN: &[&str] = &[
    "The supplier shall deliver all goods within thirty days of receiving the purchase order.",
    "Payment is due within 30 days of acceptance; five percent is retained as a quality deposit.",
    "Either party affected by force majeure shall notify the other in writing within fifteen days.",
    "Late delivery incurs a penalty of 0.5% of the value of the late goods for each day of delay.",
    "Third-quarter sales in the eastern region grew 12% year on year, driven by online channels.",
    "Employees with one to ten years of service are entitled to five days of paid annual leave.",
    "The quoted unit prices include VAT and freight and remain valid for thirty calendar days.",
    "The committee will review the vendor assessment report before next Wednesday's meeting.",
    "Confidential information must not be disclosed to any third party without written consent.",
    "This agreement is governed by the laws of the People's Republic of China.",
];

/// A rare clause, in one answer out of a thousand.
const RARE_ZH: &str = "逾期付款利息按每日千分之三计收。";
const RARE_EN: &str = "Liquidated damages are capped at twenty percent of the contract price.";

fn text(rng: &mut fastrand::Rng, sentences: usize, i: usize) -> String {
    let mut out = String::new();
    for _ in 0..sentences {
        let pool = if rng.bool() { ZH } else { EN };
        out.push_str(pool[rng.usize(..pool.len())]);
        out.push(if rng.u8(..4) == 0 { '\n' } else { ' ' });
    }
    if i % 1000 == 7 {
        out.push_str(if i % 2000 == 7 { RARE_ZH } else { RARE_EN });
    }
    out
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let built = Instant::now();
    let mut rng = fastrand::Rng::with_seed(10);
    let mut chars = 0usize;
    let store = store::Store::open(dir.path()).expect("store");
    store
        .with(|c| {
            let tx = c.transaction()?;
            let mut chat = 0;
            for turn in 0..MESSAGES / 2 {
                if turn % TURNS_PER_CHAT == 0 {
                    chat = chats::create(&tx, &format!("合同审阅 Contract review {turn}"))?.id;
                }
                let q = text(&mut rng, 1, usize::MAX);
                let a = text(&mut rng, 8, turn);
                chars += q.chars().count() + a.chars().count();
                let qid = messages::insert_question(&tx, chat, &q, &[], 0, None)?;
                let aid = messages::insert_answer(&tx, chat, qid, "qwen-long", 0)?;
                messages::finish(
                    &tx,
                    aid,
                    &messages::Finished {
                        text: &a,
                        status: MessageStatus::Complete,
                        error: None,
                        request_id: None,
                        finish_reason: Some("stop"),
                        usage: None,
                        cost_cny: None,
                        first_token_ms: Some(300),
                        total_ms: 2000,
                    },
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .expect("messages written");
    drop(store);
    let built = built.elapsed();
    let engine = Engine::open(EngineConfig::with_data_dir(dir.path())).expect("engine");
    eprintln!(
        "{MESSAGES} messages ({chars} characters) written and indexed in {:.1} s",
        built.as_secs_f64()
    );

    let queries = [
        ("违约金", "Chinese, 3 characters, common"),
        ("千分之三", "Chinese, rare"),
        ("合同", "Chinese, 2 characters (text scan)"),
        ("熊猫", "Chinese, 2 characters, no match: a full scan"),
        ("late delivery", "English, common"),
        ("liquidated damages", "English, rare"),
        ("量子纠缠", "Chinese, no match"),
    ];
    for (query, kind) in queries {
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            hits = engine.search(query, LIMIT).expect("search").len();
            times.push(t.elapsed());
        }
        let t = median(times).as_secs_f64() * 1e3;
        println!(
            "| search {MESSAGES} messages: \"{query}\" ({kind}, {hits} hits shown, median of {RUNS}) | {t:.1} ms | – | – | < {TARGET_MS:.0} ms | {} |",
            if t < TARGET_MS { "yes" } else { "NO" }
        );
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}
