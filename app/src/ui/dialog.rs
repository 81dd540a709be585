//! A modal dialog on the native `<dialog>` element: focus moves in and is kept there, Escape
//! closes it, and the page behind is inert, with no script of ours to get wrong.

use leptos::html;
use leptos::prelude::*;

/// Opens while `open` is true; Escape or the browser closing it sets `open` back to false.
#[component]
pub fn Dialog(open: RwSignal<bool>, title: &'static str, children: Children) -> impl IntoView {
    let node: NodeRef<html::Dialog> = NodeRef::new();
    Effect::new(move |_| {
        let want = open.get();
        if let Some(dialog) = node.get() {
            if want && !dialog.open() {
                let _ = dialog.show_modal();
            } else if !want && dialog.open() {
                dialog.close();
            }
        }
    });
    let id: String = title.chars().filter(char::is_ascii_alphanumeric).collect();
    let id = format!("dialog-{id}");
    let labelled_by = id.clone();
    view! {
        <dialog node_ref=node aria-labelledby=labelled_by on:close=move |_| open.set(false)>
            <h2 id=id>{title}</h2>
            {children()}
        </dialog>
    }
}
