//! One piece of content as the page shows it (see `mcp_desk_logic::content::Shown`): text as
//! text, an image or audio from a checked `data:` URL, any other binary as its size, its text
//! when it is text, and a link that downloads it. Never HTML.

use leptos::prelude::*;
use mcp_desk_logic::content::Shown;

/// The view of `shown`, marked with its kind (`data-kind`: text, image, audio, binary).
pub fn shown_view(shown: Shown) -> AnyView {
    match shown {
        Shown::Text(text) => view! { <pre class="content" data-kind="text">{text}</pre> }.into_any(),
        Shown::Image(url) => {
            view! { <img class="content" data-kind="image" src=url alt="an image the server sent"/> }
                .into_any()
        }
        Shown::Audio(url) => {
            view! { <audio class="content" data-kind="audio" controls=true src=url></audio> }.into_any()
        }
        Shown::Binary {
            bytes,
            download,
            text,
        } => view! {
            <div class="content" data-kind="binary">
                <p>{format!("Binary, {bytes} bytes.")}" "
                    {download.map(|href| view! { <a href=href download="resource.bin" data-testid="content-download">"Download"</a> })}
                </p>
                {text.map(|t| view! { <pre>{t}</pre> })}
            </div>
        }
        .into_any(),
    }
}
