//! OCR with Tesseract (the `ocr` feature): images and PDFs without a text layer.
//!
//! Runs Debian's programs rather than linking a library, so that the default build stays
//! pure Rust and an OCR crash cannot take the process with it: `tesseract` with Danish
//! data (`tesseract-ocr`, `tesseract-ocr-dan`) and, for PDFs, `pdftoppm`
//! (`poppler-utils`) to render the pages. Each program runs in a private temporary
//! directory and is killed at the deadline; at most
//! [`Limits::max_ocr_pages`](crate::ingest::Limits::max_ocr_pages) pages are read, within
//! [`Limits::max_ocr_time`](crate::ingest::Limits::max_ocr_time).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{Budget, Failure};

/// A temporary directory that is removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, Failure> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("signatur-ocr-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| {
            Failure::Broken(format!(
                "OCR failed: cannot make a temporary directory: {e}"
            ))
        })?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The deadline for OCR: the time OCR may take for all attachments of one message,
/// counted from when the message's extraction began (its deadline less the extraction
/// time), but never before the extraction deadline.
fn deadline(budget: &Budget) -> Instant {
    let limits = &budget.limits;
    let end = budget.deadline();
    let start = end.checked_sub(limits.max_extraction_time).unwrap_or(end);
    end.max(start + limits.max_ocr_time)
}

/// Runs `cmd` until it exits or `deadline` passes, when it is killed.
fn run(mut cmd: Command, what: &str, deadline: Instant) -> Result<(), Failure> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Failure::NoTextLayer(format!("OCR was not done: cannot run {what}: {e}")))?;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                return Err(Failure::Broken(format!(
                    "OCR failed: {what} exited with {status}"
                )))
            }
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::Limit(format!(
                    "OCR time limit reached while {what} ran"
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                return Err(Failure::Broken(format!(
                    "OCR failed: waiting for {what}: {e}"
                )))
            }
        }
    }
}

/// Tesseract's text for the image file `input`, in Danish.
fn tesseract(input: &Path, dir: &Path, deadline: Instant) -> Result<String, Failure> {
    let base = dir.join(format!(
        "{}-text",
        input.file_stem().and_then(|s| s.to_str()).unwrap_or("page")
    ));
    let mut cmd = Command::new("tesseract");
    cmd.arg(input).arg(&base).args(["-l", "dan"]);
    run(cmd, "tesseract", deadline)?;
    let text = std::fs::read(base.with_extension("txt"))
        .map_err(|e| Failure::Broken(format!("OCR failed: no tesseract output: {e}")))?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}

/// OCR of one image.
pub(super) fn image(bytes: &[u8], budget: &mut Budget) -> Result<String, Failure> {
    let deadline = deadline(budget);
    let dir = TempDir::new()?;
    let input = dir.0.join("image");
    std::fs::write(&input, bytes)
        .map_err(|e| Failure::Broken(format!("OCR failed: cannot write the image: {e}")))?;
    tesseract(&input, &dir.0, deadline)
}

/// OCR of the first pages of a PDF: rendered at 200 dpi in grey by `pdftoppm`, then read
/// by `tesseract` page by page.
pub(super) fn pdf(bytes: &[u8], budget: &mut Budget) -> Result<String, Failure> {
    let deadline = deadline(budget);
    let pages = budget.limits.max_ocr_pages.max(1);
    let dir = TempDir::new()?;
    let input = dir.0.join("scan.pdf");
    std::fs::write(&input, bytes)
        .map_err(|e| Failure::Broken(format!("OCR failed: cannot write the PDF: {e}")))?;
    let mut cmd = Command::new("pdftoppm");
    cmd.args(["-r", "200", "-gray", "-png", "-f", "1", "-l"])
        .arg(pages.to_string())
        .arg(&input)
        .arg(dir.0.join("page"));
    run(cmd, "pdftoppm", deadline)?;
    let mut images: Vec<PathBuf> = std::fs::read_dir(&dir.0)
        .map_err(|e| Failure::Broken(format!("OCR failed: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    // pdftoppm pads page numbers to the same width, so the names sort in page order.
    images.sort();
    let mut text = String::new();
    for image in images.iter().take(pages) {
        let page = tesseract(image, &dir.0, deadline)?;
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(page.trim());
    }
    Ok(text)
}
