//! The facts `../shared/fixtures/README.md` lists for each fixture, written as the extractors
//! render them (Excel's number formats applied: 3,980.00, not 3,980). Compared with whitespace
//! and widths folded away, so PDF line breaks and spacing do not matter.

/// The contract, in all three copies (DOCX, PDF, DOC). The author 陈思雨 of the core properties
/// is not read (properties are not text); she is in the text as the buyer's contact.
pub const CONTRACT: &[&str] = &[
    // The file table: title (letter-spaced), number, parties, header and footer.
    "采 购 合 同",
    "合同编号：HD-CG-2026-0317",
    "甲方（买方）：上海澄川智能装备有限公司",
    "乙方（卖方）：苏州恒拓精密机械有限公司",
    "联系人：陈思雨（采购部经理）",
    "上海澄川智能装备有限公司 · 采购合同 · 合同编号 HD-CG-2026-0317",
    "第 6 页，共 6 页",
    // The goods table, all 8 rows; the merged total row once.
    "序号 货物名称 规格型号 单位 数量 含税单价（元） 含税金额（元）",
    "1 伺服电机 HT-SM750（750W） 台 40 3,850.00 154,000.00",
    "2 行星减速机 HT-PG60-10（速比10:1） 台 40 1,620.00 64,800.00",
    "3 直线导轨 HT-LG25-1200 根 120 468.00 56,160.00",
    "4 滚珠丝杠 HT-BS1605-800 根 60 735.00 44,100.00",
    "5 PLC控制器 HT-PLC-X200 套 10 12,600.00 126,000.00",
    "6 触摸屏 HT-HMI-10（10.1英寸） 台 10 2,980.00 29,800.00",
    "合计（人民币） 474,860.00",
    // The signature block (the second table).
    "甲方（盖章）：上海澄川智能装备有限公司",
    "乙方（盖章）：苏州恒拓精密机械有限公司",
    // Late delivery: 0.5% a day, capped at 10% = 47,486.00 (7.1); past 20 days, termination (7.2).
    "7.1",
    "每逾期一日，应按逾期交付货物金额的0.5%向甲方支付违约金",
    "违约金累计总额不超过合同总金额的10%（即人民币47,486.00元）",
    "乙方逾期交货超过20日的，甲方有权单方解除本合同",
    // The total, in words, with 13% VAT.
    "合同总金额为人民币474,860.00元（大写：人民币肆拾柒万肆仟捌佰陆拾元整）",
    "已包含13%增值税",
    // Two batches: items 1–3 by 2026-05-15, items 4–6 by 2026-06-30 (that day included).
    "第一批为伺服电机、行星减速机和直线导轨（即第1至3项），乙方应于2026年5月15日（含当日）前交付",
    "第二批为滚珠丝杠、PLC控制器和触摸屏（即第4至6项），乙方应于2026年6月30日（含当日）前交付",
    // Warranty: 24 months, guides and screws 12, from acceptance.
    "伺服电机、行星减速机、PLC控制器及触摸屏的质保期为24个月；直线导轨和滚珠丝杠的质保期为12个月。质保期自该批货物验收合格之日起计算",
    // Disputes: 30 days of talks, then arbitration in Shanghai, final; PRC law.
    "适用中华人民共和国法律",
    "自一方书面提出协商之日起30日内协商不成的，任何一方均可将争议提交上海仲裁委员会",
    "在上海进行仲裁。仲裁裁决是终局的",
];

/// The contract's 11 articles.
pub const ARTICLES: [&str; 11] = [
    "第一条",
    "第二条",
    "第三条",
    "第四条",
    "第五条",
    "第六条",
    "第七条",
    "第八条",
    "第九条",
    "第十条",
    "第十一条",
];

/// The sales report, in DOCX and PDF.
pub const REPORT: &[&str] = &[
    "Q3 2026 Sales Report",
    "Northbridge Components Ltd.",
    "1. Executive Summary",
    "2. Revenue by Region",
    "3. Revenue by Product Line",
    "4. Pipeline and Outlook",
    "5. Conclusion",
    // Revenue 12.48M, +8.6% on 11.49M, 101.1% of the 12.35M target.
    "total net revenue of USD 12.48 million, up 8.6% from USD 11.49 million in Q3 2025 and 101.1% of the quarterly target of USD 12.35 million",
    // The region table (7×7): Asia Pacific fastest, Latin America lowest attainment.
    "Region Q3 2026 revenue Q3 2025 revenue YoY change Q3 2026 target Attainment New customers",
    "North America 4,620 4,310 +7.2% 4,500 102.7% 38",
    "Europe 3,180 3,050 +4.3% 3,300 96.4% 22",
    "Asia Pacific 3,240 2,760 +17.4% 3,000 108.0% 45",
    "Latin America 870 840 +3.6% 950 91.6% 9",
    "Middle East & Africa 570 530 +7.5% 600 95.0% 7",
    "Total 12,480 11,490 +8.6% 12,350 101.1% 121",
    // The product-line table (6×3).
    "Product line Q3 2026 revenue (USD K) Share of total",
    "Industrial sensors 5,310 42.5%",
    "Motion control modules 4,120 33.0%",
    "Connectivity and cables 1,890 15.1%",
    "Services and support contracts 1,160 9.3%",
    "Total 12,480 100.0%",
    "Largest single order: USD 640 thousand from Kestrel Robotics Pte. Ltd. (Singapore), signed on August 20, 2026",
    "The Q4 2026 revenue target is USD 13.2 million",
];

pub const SLIDES: &[&str] = &[
    "Q3 2026 Sales Highlights / 第三季度销售亮点",
    "Q4 2026 Priorities / 第四季度重点",
    "Q4 revenue target: USD 13.2 million",
    "Gross margin 41.2% (Q3 2025: 39.8%)",
];

/// The price list; every product row is checked apart (`PRODUCTS`).
pub const PRICES: &[&str] = &[
    "苏州恒拓精密机械有限公司 产品报价单",
    "报价编号：BJ-2026-0413",
    "序号 产品编号 产品名称 规格型号 单位 含税单价（元） 数量 金额（元） 交货期（天） 备注",
    // H4 = F4*G4 = 53,600 (the cached formula result, formatted).
    "1 HT-SM400 伺服电机 400W，额定转速3000rpm 台 2,680.00 20 53,600.00 15",
    "2 HT-SM750 伺服电机 750W，额定转速3000rpm 台 3,980.00 20 79,600.00 15",
    "27 HT-LM-01 线性模组 有效行程500mm，重复定位±0.02mm 台 6,450.00 4 25,800.00 35",
    "合计 784 676,770.00",
    "说明：1. 以上价格均为含税价",
    "规则编号 适用条件 折扣率 说明",
    "R4 单笔订单含税金额100,000元（含）以上 8% 按订单总额打折",
    "R5 签订年度框架协议的客户 2% 在R2至R4基础上再叠加2%，合计折扣率不超过10%",
    "备注 折扣规则有效期",
    "审批 单笔折扣率超过10%的特殊报价",
];

/// The GBK handbook excerpt.
pub const HANDBOOK: &[&str] = &[
    "第五章 考勤与休假管理",
    "5.1 工作时间",
    "5.2 年休假",
    "5.3 病假",
    "5.4 事假",
    "5.5 婚假、产假、陪产假与丧假",
    "5.6 请假审批流程",
    "5.7 加班与调休",
    "已满10年不满20年的，年休假为10天",
    "福利年假最多增加5天",
    "产假158天（含国家规定的98天和本市增加的60天）；难产的增加15天，多胞胎生育的，每多生育1个婴儿增加15天",
    "请假超过3天的，须经部门经理和人力资源部经理共同审批",
    "经部门经理同意，最多可结转5天至次年，结转的假期须在次年3月31日前休完",
];

/// The meeting notes, Markdown as written (the `**` marks stay).
pub const MINUTES: &[&str] = &[
    "# Weekly Operations Meeting — Minutes",
    "**Date:** Monday, September 14, 2026",
    "## Attendees",
    "### 2. Second-batch delivery delay",
    "The second batch was due on **June 30, 2026**",
    "arrived on **July 6, 2026**, six days late",
    "126,000.00 × 0.5% × 6 days = **CNY 3,780.00**",
    "| 2 | Release delivery payment (CNY 284,916.00 minus CNY 3,780.00 = CNY 281,136.00) | Priya Nair | 2026-09-25 | Open |",
    "| 5 | Update the supplier scorecard for Hengtuo (on-time rate) | Tom Becker | 2026-09-21 | Done |",
    "**Next meeting:** Monday, September 21, 2026, 10:00, Room 4B.",
];

pub const POLICY: &[&str] = &[
    "Company Policy Handbook / 公司制度手册",
    "Chapter 1 Travel and Expense Policy 差旅与费用报销制度",
    "Chapter 2 Information Security 信息安全规范",
    // The hotel-cap table.
    "Tier 1 一线城市 北京、上海、广州、深圳 650",
    "Tier 2 二线城市 杭州、南京、苏州、成都 500",
    "Other cities 其他城市 — 400",
    "Overseas 境外 All countries USD 180",
    "Passwords must be at least 12 characters long and contain upper-case letters, lower-case letters, digits and symbols",
    "Passwords must be changed every 90 days; the last 5 passwords cannot be reused",
    "within 2 hours by calling extension 8110 (24 hours) or emailing itdesk@chengchuan-demo.cn",
    "within 30 calendar days after returning",
    "超过90天的，不予报销",
    // The data-classification table.
    "L1 Public 公开",
    "L4 Secret 绝密",
];

pub const CUSTOMERS: &[&str] = &[
    "客户编号,客户名称,联系人,手机,城市,省份,行业,客户等级,年采购额（万元）,首次合作日期,备注",
    "KH0007,杭州启明包装机械有限公司,方志远,18692960007",
    "KH0048,苏州益民新能源科技有限公司,周刚,13838270048,苏州,江苏,新能源,A,463.6",
    // The quoted field as written: a comma inside, quotes doubled.
    r#""华东区重点客户，由王浩然负责，""战略合作""试点""#,
];

/// The JSON export, as written (folded: `"max_amount":50000`).
pub const CONFIG: &[&str] = &[
    r#""name": "澄川ERP", "version": "5.8.2", "edition": "enterprise", "license_expires": "2027-03-31""#,
    r#""max_amount": 50000, "approver_role": "department_manager""#,
    r#""max_amount": 200000, "approver_role": "procurement_director""#,
    r#""max_amount": null, "approver_role": "general_manager""#,
    r#""schedule": "0 2 * * *", "retention_days": 35"#,
    r#""sales": { "enabled": false }"#,
];
