//! The printed notice of a procedure (bảng niêm yết): what the one-stop office pins
//! on its board, on one A4 page, with a QR code that leads to the always-current page.

use std::sync::Arc;

use serde::Serialize;

use super::ProcedureView;
use super::qr;
use crate::urls;

#[derive(Debug, PartialEq, Serialize)]
pub struct NoticeView {
    /// What the procedure page shows, shared with it.
    pub procedure: Arc<ProcedureView>,
    /// The procedure page's address, printed under the QR code; only with `base_url`:
    /// paper must never carry a relative or local address.
    pub url: Option<String>,
    /// The QR code as SVG, encoding `url`.
    pub qr: Option<String>,
}

impl NoticeView {
    pub fn of(procedure: Arc<ProcedureView>, slug: &str, base_url: Option<&str>) -> NoticeView {
        let url = base_url.map(|base| urls::canonical(base, &urls::procedure(slug)));
        let qr = url.as_deref().and_then(qr::svg);
        NoticeView { procedure, url, qr }
    }
}
