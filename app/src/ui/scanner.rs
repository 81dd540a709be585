//! Scanning the activation QR code with the camera, where the browser has `BarcodeDetector`
//! (Chromium on Android and macOS, Safari 17+); elsewhere the code is pasted.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::js::{self, obj};
use crate::route::code_from_input;

/// True when this browser can scan.
pub fn can_scan() -> bool {
    web_sys::window().is_some_and(|w| !js::get(&w.into(), "BarcodeDetector").is_undefined())
}

/// The camera view; calls `on_code` with the first activation code it reads.
#[component]
pub fn Scanner(
    #[prop(into)] on_code: Callback<String>,
    #[prop(into)] on_error: Callback<String>,
) -> impl IntoView {
    let video: NodeRef<html::Video> = NodeRef::new();
    let stream = StoredValue::new_local(None::<web_sys::MediaStream>);
    let found = RwSignal::new(false);
    Effect::new(move |_| {
        let Some(element) = video.get() else { return };
        leptos::task::spawn_local(async move {
            match start(&element).await {
                Ok(s) => stream.set_value(Some(s)),
                Err(e) => on_error.run(e),
            }
        });
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if found.get_untracked() {
                return;
            }
            let Some(element) = video.get_untracked() else {
                return;
            };
            leptos::task::spawn_local(async move {
                if let Some(code) = detect(&element).await {
                    found.set(true);
                    on_code.run(code);
                }
            });
        },
        Duration::from_millis(400),
    ) {
        on_cleanup(move || handle.clear());
    }
    on_cleanup(move || {
        if let Some(s) = stream.get_value() {
            for track in s.get_tracks().iter() {
                if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                    track.stop();
                }
            }
        }
    });
    view! {
        <video class="scanner" node_ref=video autoplay=true muted=true playsinline=true aria-label="Camera view: point it at the QR code"></video>
    }
}

async fn start(video: &web_sys::HtmlVideoElement) -> Result<web_sys::MediaStream, String> {
    let devices = js::window()
        .map_err(|e| e.message())?
        .navigator()
        .media_devices()
        .map_err(|_| "no camera access in this browser".to_owned())?;
    let constraints = obj(&[("video", obj(&[("facingMode", "environment".into())]).into())]);
    let promise = js::call(&devices.into(), "getUserMedia", &[constraints.into()])
        .map_err(|e| crate::api::js_message(&e))?;
    let stream: web_sys::MediaStream =
        wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise))
            .await
            .map_err(|e| {
                format!(
                    "the camera could not be opened ({})",
                    crate::api::js_message(&e)
                )
            })?
            .unchecked_into();
    video.set_src_object(Some(&stream));
    Ok(stream)
}

async fn detect(video: &web_sys::HtmlVideoElement) -> Option<String> {
    let window: JsValue = web_sys::window()?.into();
    let class: js_sys::Function = js::get(&window, "BarcodeDetector").dyn_into().ok()?;
    let formats = js_sys::Array::of1(&"qr_code".into());
    let detector = js_sys::Reflect::construct(
        &class,
        &js_sys::Array::of1(&obj(&[("formats", formats.into())]).into()),
    )
    .ok()?;
    let promise = js::call(&detector, "detect", &[video.clone().into()]).ok()?;
    let found = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise))
        .await
        .ok()?;
    js_sys::Array::from(&found)
        .iter()
        .filter_map(|code| js::get(&code, "rawValue").as_string())
        .find_map(|text| code_from_input(&text))
}
