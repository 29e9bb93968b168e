//! Settings, the base URL in force, the key status, the connection test, cloud files, chats.

mod engine_support;
use engine_support::*;
use longwen_core::client::{BEIJING_URL, SINGAPORE_URL};
use longwen_core::engine::{Engine, EngineConfig};
use longwen_core::secrets::ApiKey;
use longwen_core::settings::{Region, Settings};
use longwen_core::types::AskRequest;
use longwen_core::Lang;

#[tokio::test]
async fn settings_choose_the_base_url_and_language() {
    let env = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = EngineConfig::with_data_dir(dir.path());
    config.api_key = Some(ApiKey::new(KEY));
    let engine = Engine::open(config.clone()).unwrap();
    assert_eq!(engine.settings().unwrap(), Settings::default());
    assert_eq!(engine.base_url().unwrap(), BEIJING_URL);

    let mut s = Settings {
        region: Region::Singapore,
        language: "zh".into(),
        ..Settings::default()
    };
    engine.save_settings(&s).unwrap();
    assert_eq!(engine.base_url().unwrap(), SINGAPORE_URL);
    assert_eq!(engine.settings().unwrap().lang(), Lang::Zh);
    // Kept across opens (the CLI and the app share them).
    let again = Engine::open(config).unwrap();
    assert_eq!(again.settings().unwrap().region, Region::Singapore);
    assert_eq!(again.settings().unwrap().lang(), Lang::Zh);

    s.region = Region::Custom;
    s.custom_base_url = None;
    assert_eq!(
        engine.save_settings(&s).unwrap_err().kind(),
        "invalid_argument"
    );
    s.custom_base_url = Some("https://gateway.example.com/compatible-mode/v1/".into());
    engine.save_settings(&s).unwrap();
    assert_eq!(
        engine.base_url().unwrap(),
        "https://gateway.example.com/compatible-mode/v1"
    );

    // The override wins over settings.
    assert_eq!(env.engine.base_url().unwrap(), env.mock.base_url());
}

#[tokio::test]
async fn key_status_and_connection_test() {
    let env = setup().await;
    let status = env.engine.key_status().unwrap();
    assert!(status.present);
    let masked = status.masked.unwrap();
    assert!(!masked.contains(KEY) && !masked.is_empty());

    env.engine.test_connection().await.unwrap();
    let reqs = env.mock.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "GET");
    assert!(reqs[0].query.as_deref().unwrap_or("").contains("limit=1"));

    let dir = tempfile::tempdir().unwrap();
    let mut config = config(dir.path(), &env.mock);
    config.api_key = Some(ApiKey::new("sk-refused-0000"));
    let refused = Engine::open(config).unwrap();
    assert_eq!(
        refused.test_connection().await.unwrap_err().kind(),
        "key_refused"
    );
}

#[tokio::test]
async fn deleting_a_cloud_file_forgets_it_and_the_next_add_uploads_again() {
    let env = setup().await;
    let doc = env.add(&fixture("customers.csv")).await.0.unwrap();
    let id = doc.remote_id.clone().unwrap();
    assert_eq!(env.engine.remote_files().await.unwrap().len(), 1);
    env.engine.delete_remote_file(&id).await.unwrap();
    assert!(env.engine.remote_files().await.unwrap().is_empty());
    assert!(env.engine.document(doc.id).unwrap().remote_id.is_none());
    let again = env.add(&fixture("customers.csv")).await.0.unwrap();
    assert_ne!(again.remote_id.unwrap(), id);
    assert_eq!(env.uploads().len(), 2);
}

#[tokio::test]
async fn chats_are_listed_newest_first_and_can_be_deleted() {
    let env = setup().await;
    let doc = env.engine.add_text("some text", None).unwrap();
    let a = env
        .ask(question("first chat", &[doc.id]))
        .await
        .0
        .unwrap()
        .chat_id;
    let b = env
        .ask(question("second chat", &[doc.id]))
        .await
        .0
        .unwrap()
        .chat_id;
    let ids: Vec<i64> = env.engine.chats().unwrap().iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![b, a]);
    // Activity in the older chat moves it to the top.
    let follow = AskRequest {
        chat_id: Some(a),
        question: "more".into(),
        ..Default::default()
    };
    env.ask(follow).await.0.unwrap();
    let ids: Vec<i64> = env.engine.chats().unwrap().iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![a, b]);
    env.engine.delete_chat(a).unwrap();
    // An empty chat takes its title from its first question.
    let empty = env.engine.create_chat().unwrap();
    assert_eq!(empty.title, "");
    let req = AskRequest {
        chat_id: Some(empty.id),
        question: "标题来自问题".into(),
        ..Default::default()
    };
    env.ask(req).await.0.unwrap();
    assert_eq!(
        env.engine.chat(empty.id).unwrap().summary.title,
        "标题来自问题"
    );
    env.engine.delete_chat(empty.id).unwrap();
    let left: Vec<i64> = env.engine.chats().unwrap().iter().map(|c| c.id).collect();
    assert_eq!(left, vec![b]);
    assert_eq!(env.engine.chat(a).unwrap_err().kind(), "not_found");
    // Documents outlive chats.
    assert!(env.engine.document(doc.id).is_ok());
}

/// A custom address gets the key and the documents only once the person confirmed it for
/// that key; another key must be confirmed again.
#[tokio::test]
async fn a_custom_address_is_used_only_once_confirmed_for_the_key() {
    let env = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let open = |key: &str| {
        let mut config = EngineConfig::with_data_dir(dir.path());
        config.api_key = Some(ApiKey::new(key));
        Engine::open(config).unwrap()
    };
    let engine = open(KEY);
    let settings = Settings {
        region: Region::Custom,
        custom_base_url: Some(env.mock.base_url()),
        ..Settings::default()
    };
    engine.save_settings(&settings).unwrap();
    let host = engine
        .unconfirmed_endpoint()
        .unwrap()
        .expect("not confirmed yet");
    assert_eq!(host, "127.0.0.1");
    let doc = engine.add_text("some text", None).unwrap();
    let ask = |engine: &Engine| {
        let engine = engine.clone();
        async move {
            engine
                .ask(
                    question("Q?", &[doc.id]),
                    &longwen_core::CancellationToken::new(),
                    &mut |_| {},
                )
                .await
        }
    };
    let e = ask(&engine).await.unwrap_err();
    assert_eq!(e.kind(), "endpoint_not_confirmed");
    assert!(env.mock.requests().is_empty(), "nothing was sent");

    engine.confirm_endpoint(&host).unwrap();
    assert_eq!(engine.unconfirmed_endpoint().unwrap(), None);
    ask(&engine).await.unwrap();

    let other = open("sk-another-key-0000000000000");
    assert_eq!(
        other.unconfirmed_endpoint().unwrap().as_deref(),
        Some("127.0.0.1")
    );
}
