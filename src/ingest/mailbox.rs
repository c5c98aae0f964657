//! Mailboxes: mbox files, Maildirs and directory trees of message files, read one message
//! at a time.
//!
//! Every reader yields `(source, Result<Message>)`: `source` names the file, or
//! `file:index` (counting from 0) for a message in an mbox file that holds more than one. A
//! message that cannot be read gives an error for that message and the run goes on: one
//! broken message in a mailbox of thousands must not stop the rest.
//!
//! Memory stays bounded whatever the input: files are read only up to
//! [`Limits::max_message_bytes`], and mbox files are streamed line by line, so a 5 GB mbox
//! costs one message of memory.
//!
//! How [`read_inputs`] decides what a path is:
//! - a directory with a `cur` or `new` subdirectory is a Maildir (the files in `cur` and
//!   `new`; `tmp` holds messages still being delivered and is skipped);
//! - any other directory is a tree, searched recursively in name order (hidden entries and
//!   symbolic links to directories are skipped, depth at most [`MAX_TREE_DEPTH`]); every
//!   file in it is sniffed like a path given directly, except files whose extension names
//!   a data or documentation format ([`NOT_MAIL`]: the `manifest.csv` and `README.md`
//!   beside a corpus);
//! - a file whose first line is an mbox envelope line (`From sender date`, `From -`) is an
//!   mbox file (the SpamAssassin corpus stores single messages this way, and then the source
//!   is just the file name);
//! - a file that is a MeMo XML document (Digital Post) is read by
//!   [`Message::from_memo_with`](crate::Message::from_memo_with);
//! - any other file is one message.
//!
//! ```no_run
//! # fn example() -> Result<(), Box<dyn std::error::Error>> {
//! for (source, result) in signatur::ingest::read_inputs(["mail/inbox.mbox", "mail/eml"]) {
//!     match result {
//!         Ok(msg) => println!("{source}: {} bytes of body", msg.body.text.len()),
//!         Err(e) => eprintln!("{source}: {e}"),
//!     }
//! }
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::limits::Limits;
use crate::error::{Error, Result};
use crate::message::{Message, Truncation};

/// Extensions (lower case) of files a directory tree is not searched for: a corpus
/// directory holds its manifest and notes beside the messages. A file named directly is
/// always read.
pub const NOT_MAIL: &[&str] = &[
    "csv", "tsv", "json", "jsonl", "md", "toml", "yaml", "yml", "onnx",
];

/// Directory trees are searched at most this deep.
pub const MAX_TREE_DEPTH: usize = 64;

/// One message read from a mailbox: where it came from, and the message or why it could
/// not be read.
pub type Item = (String, Result<Message>);

/// Work still to do.
enum Job {
    /// A path given by the caller or found in a tree: decide what it is.
    Sniff(PathBuf),
    Maildir(PathBuf),
    Tree(PathBuf, usize),
    File(PathBuf),
    Mbox(PathBuf),
}

/// An iterator over the messages of mailboxes, message files and directories; see the
/// [module documentation](self). Items are `(source, Result<Message>)`.
pub struct Messages {
    jobs: VecDeque<Job>,
    mbox: Option<MboxReader<BufReader<File>>>,
    limits: Limits,
}

/// Reads messages from every path in `paths` (files, mbox files, Maildirs, directory
/// trees), sniffing each as the [module documentation](self) says, with default [`Limits`].
pub fn read_inputs<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Messages {
    read_inputs_with(paths, &Limits::default())
}

/// [`read_inputs`] with explicit `limits`.
pub fn read_inputs_with<P: AsRef<Path>>(
    paths: impl IntoIterator<Item = P>,
    limits: &Limits,
) -> Messages {
    Messages::new(
        paths
            .into_iter()
            .map(|p| Job::Sniff(p.as_ref().to_path_buf())),
        limits,
    )
}

/// Reads the messages of one mbox file, streaming it.
pub fn read_mbox(path: impl AsRef<Path>, limits: &Limits) -> Messages {
    Messages::new([Job::Mbox(path.as_ref().to_path_buf())], limits)
}

/// Reads the messages of one Maildir (`cur` and `new`).
pub fn read_maildir(path: impl AsRef<Path>, limits: &Limits) -> Messages {
    Messages::new([Job::Maildir(path.as_ref().to_path_buf())], limits)
}

/// Reads every message file below a directory.
pub fn read_tree(path: impl AsRef<Path>, limits: &Limits) -> Messages {
    Messages::new([Job::Tree(path.as_ref().to_path_buf(), 0)], limits)
}

impl Messages {
    fn new(jobs: impl IntoIterator<Item = Job>, limits: &Limits) -> Messages {
        Messages {
            jobs: jobs.into_iter().collect(),
            mbox: None,
            limits: limits.clone(),
        }
    }

    /// Turns a job into messages or more jobs; returns an item when the job yields one
    /// directly (a file, or an error).
    fn run(&mut self, job: Job) -> Option<Item> {
        match job {
            Job::Sniff(path) => match std::fs::metadata(&path) {
                Err(e) => Some(io_item(&path, e)),
                Ok(meta) if meta.is_dir() => {
                    if is_maildir(&path) {
                        self.jobs.push_front(Job::Maildir(path));
                    } else {
                        self.jobs.push_front(Job::Tree(path, 0));
                    }
                    None
                }
                Ok(_) => match starts_with_envelope(&path) {
                    Ok(true) => self.run(Job::Mbox(path)),
                    Ok(false) => Some(read_file(&path, &self.limits)),
                    Err(e) => Some(io_item(&path, e)),
                },
            },
            Job::File(path) => Some(read_file(&path, &self.limits)),
            Job::Mbox(path) => match File::open(&path) {
                Ok(f) => {
                    let name = path.display().to_string();
                    self.mbox = Some(MboxReader::new(
                        BufReader::with_capacity(64 * 1024, f),
                        name,
                        &self.limits,
                    ));
                    None
                }
                Err(e) => Some(io_item(&path, e)),
            },
            Job::Maildir(path) => {
                let files = match maildir_files(&path) {
                    Ok(files) => files,
                    Err((dir, e)) => return Some(io_item(&dir, e)),
                };
                for f in files.into_iter().rev() {
                    self.jobs.push_front(Job::File(f));
                }
                None
            }
            Job::Tree(path, depth) => {
                let entries = match tree_entries(&path, depth) {
                    Ok(e) => e,
                    Err(e) => return Some(io_item(&path, e)),
                };
                for entry in entries.into_iter().rev() {
                    self.jobs.push_front(match entry {
                        TreeEntry::Maildir(p) => Job::Maildir(p),
                        TreeEntry::Dir(p) => Job::Tree(p, depth + 1),
                        TreeEntry::File(p) => Job::Sniff(p),
                    });
                }
                None
            }
        }
    }
}

impl Iterator for Messages {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(mbox) = &mut self.mbox {
                match mbox.next() {
                    Some(item) => return Some(item),
                    None => self.mbox = None,
                }
            }
            let job = self.jobs.pop_front()?;
            if let Some(item) = self.run(job) {
                return Some(item);
            }
        }
    }
}

fn io_item(path: &Path, e: std::io::Error) -> Item {
    let source = path.display().to_string();
    let err = Error::from(e).context(&source);
    (source, Err(err))
}

/// Entries of a directory in name order, hidden ones left out.
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        out.push(entry.path());
    }
    out.sort();
    Ok(out)
}

/// What one level of a directory tree holds, as the readers walk it.
enum TreeEntry {
    /// A Maildir: its `cur` and `new` files are messages.
    Maildir(PathBuf),
    /// A directory to walk, one level deeper.
    Dir(PathBuf),
    /// A file that may hold mail.
    File(PathBuf),
}

/// The entries of the tree directory `dir`, `depth` levels below where the walk began, in
/// name order: no hidden entries, no symbolic links to directories, no directories at
/// [`MAX_TREE_DEPTH`] and no [`NOT_MAIL`] files.
fn tree_entries(dir: &Path, depth: usize) -> std::io::Result<Vec<TreeEntry>> {
    let mut out = Vec::new();
    for entry in sorted_entries(dir)? {
        let Ok(meta) = std::fs::symlink_metadata(&entry) else {
            continue;
        };
        if meta.is_dir() {
            if depth + 1 >= MAX_TREE_DEPTH {
                continue;
            }
            out.push(if is_maildir(&entry) {
                TreeEntry::Maildir(entry)
            } else {
                TreeEntry::Dir(entry)
            });
        } else if (meta.is_file() || (meta.file_type().is_symlink() && entry.is_file()))
            && !not_mail(&entry)
        {
            out.push(TreeEntry::File(entry));
        }
    }
    Ok(out)
}

/// The message files of a Maildir: `cur`, then `new`, each in name order (`tmp` holds
/// messages still being delivered). On error, the folder that could not be read.
fn maildir_files(dir: &Path) -> std::result::Result<Vec<PathBuf>, (PathBuf, std::io::Error)> {
    let mut files = Vec::new();
    for sub in ["cur", "new"] {
        let sub = dir.join(sub);
        if sub.is_dir() {
            let entries = sorted_entries(&sub).map_err(|e| (sub.clone(), e))?;
            files.extend(entries.into_iter().filter(|p| p.is_file()));
        }
    }
    Ok(files)
}

/// The files that [`read_inputs`] reads for the directory `dir`, in the same order, without
/// reading them: the files of a Maildir, or those of a directory tree (see the [module
/// documentation](self)). For a host that reads the files itself, such as the CLI's
/// `--text`, which takes each as plain text. A directory that cannot be listed is given
/// itself, so that reading it reports why.
pub fn files_below(dir: impl AsRef<Path>) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        match tree_entries(dir, depth) {
            Err(_) => out.push(dir.to_path_buf()),
            Ok(entries) => {
                for entry in entries {
                    match entry {
                        TreeEntry::Maildir(p) => maildir(&p, out),
                        TreeEntry::Dir(p) => walk(&p, depth + 1, out),
                        TreeEntry::File(p) => out.push(p),
                    }
                }
            }
        }
    }
    fn maildir(dir: &Path, out: &mut Vec<PathBuf>) {
        match maildir_files(dir) {
            Ok(files) => out.extend(files),
            Err((sub, _)) => out.push(sub),
        }
    }
    let dir = dir.as_ref();
    let mut out = Vec::new();
    if is_maildir(dir) {
        maildir(dir, &mut out);
    } else {
        walk(dir, 0, &mut out);
    }
    out
}

/// Whether the extension of `path` is one of [`NOT_MAIL`].
fn not_mail(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| NOT_MAIL.contains(&e.to_ascii_lowercase().as_str()))
}

fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() || dir.join("new").is_dir()
}

/// Whether the file's first line is an mbox envelope line.
fn starts_with_envelope(path: &Path) -> std::io::Result<bool> {
    let mut head = [0u8; 512];
    let mut f = File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        let got = f.read(head.get_mut(n..).unwrap_or_default())?;
        if got == 0 {
            break;
        }
        n += got;
    }
    let head = head.get(..n).unwrap_or_default();
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    Ok(is_envelope(line))
}

/// An mbox envelope line: `From ` followed by `-`, an address, or a sender and a date with
/// a time of day. "From Russia with love" in an unescaped body is not one.
pub(crate) fn is_envelope(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let rest = rest.trim_ascii();
    let Some(first) = rest.split(|b| b.is_ascii_whitespace()).next() else {
        return false;
    };
    if first.is_empty() || first.first() == Some(&b':') {
        return false;
    }
    if first == b"-" {
        return true;
    }
    let has_time = rest.windows(4).any(|w| {
        w.first().is_some_and(u8::is_ascii_digit)
            && w.get(1) == Some(&b':')
            && w.get(2).is_some_and(u8::is_ascii_digit)
            && w.get(3).is_some_and(u8::is_ascii_digit)
    });
    let words = rest
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .count();
    has_time && words >= 3 || first.contains(&b'@') && words <= 8
}

/// Reads one message file, at most `max_message_bytes` of it.
fn read_file(path: &Path, limits: &Limits) -> Item {
    let source = path.display().to_string();
    let result = read_bounded(path, limits.max_message_bytes).and_then(|(bytes, total)| {
        if super::memo::looks_like_memo(&bytes) {
            return Message::from_memo_with(&bytes, limits);
        }
        let mut msg = Message::from_bytes_with(&bytes, limits)?;
        if total > bytes.len() as u64 {
            note_size_cut(&mut msg, limits, total);
        }
        Ok(msg)
    });
    (source.clone(), result.map_err(|e| e.context(&source)))
}

/// The first `max + 1` bytes of a file (so that the parser sees it is too long and cuts it
/// at a line), and the file's full size.
fn read_bounded(path: &Path, max: usize) -> Result<(Vec<u8>, u64)> {
    let f = File::open(path)?;
    let total = f.metadata()?.len();
    let cap = (max as u64).saturating_add(1);
    let mut bytes = Vec::with_capacity(total.min(cap) as usize);
    f.take(cap).read_to_end(&mut bytes)?;
    Ok((bytes, total))
}

/// Records (or corrects) the size cut with the real size of the input.
fn note_size_cut(msg: &mut Message, limits: &Limits, total: u64) {
    match msg
        .truncations
        .iter_mut()
        .find(|t| t.what == "message_size")
    {
        Some(t) => t.actual = t.actual.max(total),
        None => msg.truncations.insert(
            0,
            Truncation {
                what: "message_size".into(),
                limit: limits.max_message_bytes as u64,
                actual: total,
            },
        ),
    }
}

/// A streaming mbox reader: splits at envelope lines, undoes `>From ` quoting, keeps at
/// most `max_message_bytes` of each message and skips the rest without storing it.
struct MboxReader<R> {
    reader: R,
    name: String,
    limits: Limits,
    /// The next message's index.
    index: usize,
    /// Whether the envelope line of the next message has been read already.
    at_message: bool,
    done: bool,
    line: Vec<u8>,
    /// The whole length of the last line read, of which `line` may hold only a part.
    line_bytes: u64,
}

impl<R: BufRead> MboxReader<R> {
    fn new(reader: R, name: String, limits: &Limits) -> MboxReader<R> {
        MboxReader {
            reader,
            name,
            limits: limits.clone(),
            index: 0,
            at_message: false,
            done: false,
            line: Vec::new(),
            line_bytes: 0,
        }
    }

    /// Reads one line into `self.line`, keeping at most `max` bytes of it. Returns whether
    /// a line was read.
    fn read_line(&mut self, max: usize) -> std::io::Result<bool> {
        self.line.clear();
        self.line_bytes = 0;
        let mut any = false;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(any);
            }
            any = true;
            let (chunk, complete) = match memchr::memchr(b'\n', buf) {
                Some(i) => (buf.get(..=i).unwrap_or(buf), true),
                None => (buf, false),
            };
            let used = chunk.len();
            self.line_bytes += used as u64;
            let room = max.saturating_sub(self.line.len());
            self.line
                .extend_from_slice(chunk.get(..room.min(used)).unwrap_or_default());
            self.reader.consume(used);
            if complete {
                return Ok(true);
            }
        }
    }

    /// The next message's raw bytes and full size, or `None` at the end.
    fn next_raw(&mut self) -> std::io::Result<Option<(Vec<u8>, u64)>> {
        let max = self.limits.max_message_bytes;
        let mut first_line = true;
        // Find the first envelope line (text before it is not a message).
        while !self.at_message {
            if !self.read_line(max)? {
                return Ok(None);
            }
            let line = if first_line {
                self.line
                    .strip_prefix(b"\xEF\xBB\xBF")
                    .unwrap_or(&self.line)
            } else {
                &self.line
            };
            first_line = false;
            if is_envelope(line) {
                self.at_message = true;
            }
        }
        let mut raw = Vec::new();
        let mut total = 0u64;
        loop {
            if !self.read_line(max.saturating_add(1))? {
                self.done = true;
                break;
            }
            if is_envelope(&self.line) {
                break;
            }
            let line = unescape_from(&self.line);
            // The message's size as the parser would see it whole: the line's full length,
            // less the `>` that unescaping takes off (the kept part may be cut).
            total += self.line_bytes - (self.line.len() - line.len()) as u64;
            if raw.len() + line.len() <= max {
                raw.extend_from_slice(line);
            } else if raw.len() <= max {
                // Let the parser see that the message is too long; it cuts at a line.
                let room = max + 1 - raw.len();
                raw.extend_from_slice(line.get(..room.min(line.len())).unwrap_or_default());
            }
        }
        Ok(Some((raw, total)))
    }
}

/// `>From ` (and `>>From ` …) lose one `>`: the quoting mbox writers apply to body lines.
fn unescape_from(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|b| **b == b'>').count();
    if quotes > 0
        && line
            .get(quotes..)
            .is_some_and(|rest| rest.starts_with(b"From "))
    {
        line.get(1..).unwrap_or(line)
    } else {
        line
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        let index = self.index;
        let result = self.next_raw();
        let (raw, total) = match result {
            Ok(Some(x)) => x,
            Ok(None) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                self.done = true;
                let source = format!("{}:{index}", self.name);
                return Some((source.clone(), Err(Error::from(e).context(source))));
            }
        };
        self.index += 1;
        // The only message of a file is named by the file alone.
        let source = if index == 0 && self.done {
            self.name.clone()
        } else {
            format!("{}:{index}", self.name)
        };
        let result = Message::from_bytes_with(&raw, &self.limits).map(|mut msg| {
            if total > raw.len() as u64 {
                note_size_cut(&mut msg, &self.limits, total);
            }
            msg
        });
        Some((source.clone(), result.map_err(|e| e.context(&source))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_lines() {
        let yes: &[&[u8]] = &[
            b"From jens@example.dk Thu Aug 22 12:36:23 2002",
            b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
            b"From - ",
            b"From -",
            b"From - Mon Jun  3 12:50:27 1996",
            b"From jens@example.dk",
        ];
        let no: &[&[u8]] = &[
            b"From: jens@example.dk",
            b"From Russia with love",
            b"From the credulous side: [Stanway, Andrew",
            b"From : x",
            b"From ",
            b"Fromage",
        ];
        for l in yes {
            assert!(is_envelope(l), "{}", String::from_utf8_lossy(l));
        }
        for l in no {
            assert!(!is_envelope(l), "{}", String::from_utf8_lossy(l));
        }
    }

    fn mbox(text: &str, limits: &Limits) -> Vec<Item> {
        MboxReader::new(
            std::io::Cursor::new(text.as_bytes().to_vec()),
            "box".into(),
            limits,
        )
        .collect()
    }

    #[test]
    fn mbox_splits_unescapes_and_names() {
        let text = "From a@b Thu Aug 22 12:36:23 2002\nSubject: en\n\n>From here\nFrom Russia with love\n\nFrom c@d Thu Aug 22 12:36:24 2002\nSubject: to\n\n>>From x\n";
        let items = mbox(text, &Limits::default());
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].0, "box:0");
        assert_eq!(items[1].0, "box:1");
        let first = items[0].1.as_ref().unwrap();
        assert_eq!(first.subject, "en");
        assert_eq!(first.body.text, "From here\nFrom Russia with love");
        assert_eq!(items[1].1.as_ref().unwrap().body.text, ">From x");
        // Unescaping makes a message shorter, not cut.
        assert!(
            first.truncations.is_empty(),
            "{:?}",
            first.truncations.len()
        );
        assert!(items[1].1.as_ref().unwrap().truncations.is_empty());
    }

    #[test]
    fn single_message_mbox_is_named_by_the_file_and_broken_ones_do_not_stop_the_rest() {
        let items = mbox(
            "From a@b Thu Aug 22 12:36:23 2002\nSubject: en\n\nx\n",
            &Limits::default(),
        );
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].0, "box");
        let items = mbox(
            "From - \n\nFrom - \nno header here\nFrom - \nSubject: ok\n\nx\n",
            &Limits::default(),
        );
        assert_eq!(items.len(), 3);
        assert!(items[0].1.is_err());
        assert!(items[1].1.is_err());
        assert!(items[1]
            .1
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("box:1"));
        assert_eq!(items[2].1.as_ref().unwrap().subject, "ok");
    }

    #[test]
    fn big_mbox_messages_are_cut_while_streaming() {
        let limits = Limits {
            max_message_bytes: 1000,
            ..Limits::default()
        };
        let text = format!(
            "From - \nSubject: stor\n\n{}From - \nSubject: lille\n\nx\n",
            "linje linje linje\n".repeat(1000)
        );
        let items = mbox(&text, &limits);
        assert_eq!(items.len(), 2);
        let big = items[0].1.as_ref().unwrap();
        assert_eq!(big.truncations[0].what, "message_size");
        assert_eq!(big.truncations[0].actual, 18_015);
        assert!(big.body.text.len() < 1000);
        assert_eq!(items[1].1.as_ref().unwrap().subject, "lille");
        // A line longer than the limit counts whole.
        let text = format!("From - \nSubject: lang\n\n{}\n", "x".repeat(5000));
        let items = mbox(&text, &limits);
        let long = items[0].1.as_ref().unwrap();
        assert_eq!(
            long.truncations[0].actual,
            5000 + 1 + "Subject: lang\n\n".len() as u64
        );
    }
}
