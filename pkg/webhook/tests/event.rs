//! The webhook envelope's wire form (SPEC §9).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_webhook::{Event, EventType};
use serde_json::json;

#[test]
fn event_types_use_the_spec_names() {
    let spec = [
        "activation.completed",
        "request.approved",
        "request.denied",
        "request.expired",
        "request.cancelled",
        "device.removed",
        "device.push_gone",
        "device.locked",
    ];
    assert_eq!(EventType::ALL.len(), spec.len());
    for (t, name) in EventType::ALL.into_iter().zip(spec) {
        assert_eq!(serde_json::to_value(t).unwrap(), json!(name));
        assert_eq!(serde_json::from_value::<EventType>(json!(name)).unwrap(), t);
        assert_eq!(t.as_str(), name);
        assert_eq!(t.to_string(), name);
        assert_eq!(EventType::from_name(name), Some(t));
    }
    assert!(serde_json::from_value::<EventType>(json!("request.Approved")).is_err());
    assert_eq!(EventType::from_name("request"), None);
}

#[test]
fn envelope_round_trips() {
    let event = Event {
        id: "evt_AAAAAAAAAAAAAAAAAAAA".to_owned(),
        event_type: EventType::RequestApproved,
        created_at: 1_767_225_600,
        data: json!({"request_id": "r", "status": "approved", "receipt": "a.b.c"}),
    };
    let value = serde_json::to_value(&event).unwrap();
    assert_eq!(
        value,
        json!({
            "id": "evt_AAAAAAAAAAAAAAAAAAAA",
            "type": "request.approved",
            "created_at": 1_767_225_600,
            "data": {"request_id": "r", "status": "approved", "receipt": "a.b.c"},
        })
    );
    let back: Event = serde_json::from_value(value).unwrap();
    assert_eq!(back, event);

    // Typed data works too.
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Gone {
        device_id: String,
    }
    let typed: Event<Gone> = serde_json::from_value(json!({
        "id": "evt_B", "type": "device.push_gone", "created_at": 1, "data": {"device_id": "d"},
    }))
    .unwrap();
    assert_eq!(typed.event_type, EventType::DevicePushGone);
    assert_eq!(typed.data.device_id, "d");
}
