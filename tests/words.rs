//! `text::word_indices` gives unicode-segmentation's words on every real text we have:
//! every file of the shared corpora (20 Newsgroups, both SpamAssassin sets, the MIME test
//! suites, OS2KLE's Danish titles and a Danish council decision), read as text as it is
//! on disk. The fast Latin-1 path must never change a word, because features and the
//! name masking of explanations are built on these words.

mod common;

use std::path::Path;

use signatur::text::word_indices;
use unicode_segmentation::UnicodeSegmentation;

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn the_same_words_as_unicode_segmentation_on_every_shared_text() {
    let mut checked = 0;
    let mut latin = 0;
    for sub in [
        "20news",
        "spamassassin",
        "spamassassin-later",
        "mime",
        "os2kle",
        "danish",
    ] {
        let Some(dir) = common::shared_data(sub) else {
            continue;
        };
        let mut paths = Vec::new();
        files(&dir, &mut paths);
        for path in paths {
            let bytes = std::fs::read(&path).expect("a readable file");
            let text = String::from_utf8_lossy(&bytes);
            let ours: Vec<(usize, &str)> = word_indices(&text).collect();
            let theirs: Vec<(usize, &str)> = text.unicode_word_indices().collect();
            assert!(ours == theirs, "{}: the words differ", path.display());
            checked += 1;
            latin += usize::from(text.contains(['æ', 'ø', 'å', 'é', 'ü']));
        }
    }
    eprintln!("{checked} files, {latin} of them with Latin-1 letters");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        assert!(checked > 15_000, "{checked} files");
        assert!(latin > 10, "{latin} files with Latin-1 letters");
    }
}
