//! Reading the files a municipality configures (taxonomies, rule files): bounded reads, and
//! byte offset → line number for error messages that name the line of a bad file.

use std::path::Path;

use crate::{Error, ErrorKind, Result};

/// Reads `path` whole, refusing files larger than `max` bytes; `what` names the kind of file
/// in the error (`a taxonomy`, `a rule file`). Errors name the path.
pub(crate) fn read_bounded(path: &Path, max: u64, what: &str) -> Result<Vec<u8>> {
    let len = std::fs::metadata(path)
        .map_err(|e| Error::from(e).context(path.display()))?
        .len();
    if len > max {
        return Err(Error::new(
            ErrorKind::TooLarge,
            format!(
                "{}: {len} bytes is more than the {max} bytes {what} may have",
                path.display()
            ),
        ));
    }
    std::fs::read(path).map_err(|e| Error::from(e).context(path.display()))
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
    use super::LineIndex;

    #[test]
    fn lines_of_offsets() {
        let idx = LineIndex::new("ab\ncd\n\nx");
        let lines: Vec<usize> = (0..9).map(|o| idx.line(o)).collect();
        assert_eq!(lines, [1, 1, 1, 2, 2, 2, 3, 4, 4]);
        assert_eq!(LineIndex::new("").line(5), 1);
    }
}
