//! QR codes for printed notices: drawn at build time as SVG, error correction M (a
//! notice board's sun and scratches), with the four-module quiet zone scanners need.

use qrcode::{Color, EcLevel, QrCode};

use crate::render::html::escape;

/// Modules of white around the code, as the standard asks.
const QUIET_ZONE: usize = 4;

/// An SVG of the QR code for `url`, labelled with it for screen readers. `None`
/// only when the text is too long for any QR code (thousands of characters).
pub fn svg(url: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let size = width + 2 * QUIET_ZONE;
    let mut path = String::new();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            path.push_str(&format!("M{x} {y}h1v1h-1z"));
        }
    }
    let label = escape(url);
    Some(format!(
        "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" role=\"img\" aria-label=\"QR: {label}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}
