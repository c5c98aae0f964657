//! Reading the files a municipality configures (taxonomies, rule files): bounded reads, and
//! byte offset → line number for error messages that name the line of a bad file.

use std::path::Path;

use crate::{Error, ErrorKind, Result};

/// Reads `path` whole, refusing files larger than `max` bytes; `what` names the kind of file
/// in the error (`a taxonomy`, `a rule file`). Errors name the path.
pub(crate) fn read_bounded(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let too_large = |len: String| {
        Error::new(
            ErrorKind::TooLarge,
            format!(
                "{}: {len} is more than the {max} bytes {what} may have",
                path.display()
            ),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| Error::from(e).context(path.display()))?;
    let len = file
        .metadata()
        .map_err(|e| Error::from(e).context(path.display()))?
        .len();
    if len > max {
        return Err(too_large(format!("{len} bytes")));
    }
    // The length said is not the length read for a pipe, a /proc file or a file that grows:
    // at most one byte more than `max` is read.
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::from(e).context(path.display()))?;
    if bytes.len() as u64 > max {
        return Err(too_large("what it gave".to_string()));
    }
    Ok(bytes)
}

/// The start offsets of a text's lines, searched by bisection: building it is one pass over
/// the text, and each look-up is `O(log lines)`, so naming the line of every element or rule
/// costs nothing that grows with the file twice.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset` (the last line for offsets past the end).
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }

    /// The byte offsets at which lines start.
    pub(crate) fn starts(&self) -> &[usize] {
        &self.starts
    }
}

#[cfg(test)]
mod tests {
    use super::{read_bounded, LineIndex};
    use crate::ErrorKind;

    #[test]
    fn a_file_whose_length_is_not_known_is_read_to_the_bound() {
        let dir = std::env::temp_dir().join(format!("signatur-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.txt");
        std::fs::write(&file, b"12345").unwrap();
        assert_eq!(read_bounded(&file, 5, "a test file").unwrap(), b"12345");
        let err = read_bounded(&file, 4, "a test file").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TooLarge);
        // /proc files say they are empty; this one is not.
        let status = std::path::Path::new("/proc/self/status");
        if status.exists() {
            assert_eq!(std::fs::metadata(status).unwrap().len(), 0);
            let err = read_bounded(status, 16, "a test file").unwrap_err();
            assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
            assert!(err.to_string().contains("more than the 16 bytes"), "{err}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn lines_of_offsets() {
        let idx = LineIndex::new("ab\ncd\n\nx");
        let lines: Vec<usize> = (0..9).map(|o| idx.line(o)).collect();
        assert_eq!(lines, [1, 1, 1, 2, 2, 2, 3, 4, 4]);
        assert_eq!(LineIndex::new("").line(5), 1);
    }
}
