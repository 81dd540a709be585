//! An error, announced at once (`role="alert"`).

use leptos::prelude::*;

use crate::problem::Problem;

/// Shows the problem's sentence while there is one.
#[component]
pub fn ProblemAlert(problem: RwSignal<Option<Problem>>) -> impl IntoView {
    move || {
        problem.get().map(|p| {
            view! { <p class="alert" role="alert">{p.message()}</p> }
        })
    }
}
