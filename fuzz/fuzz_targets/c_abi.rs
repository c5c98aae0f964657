//! The C ABI, driven through its C signatures (declared here as a C host would from
//! `include/signatur.h`) by a small interpreter: each input is a program of calls with
//! arbitrary texts (invalid UTF-8 too), lengths, indices, NULL pointers and buffer sizes.
//! Build it with AddressSanitizer (`scripts/fuzz.sh` does): every buffer handed to the
//! library is its own allocation of exactly the stated length, so a read or write past it
//! is caught.
//!
//! A program can set a case directory whose callback answers from the input (results and
//! fields of every kind, valid or not).
//!
//! Checked on every call: no `SIGNATUR_STATUS_PANIC` (a bug caught at the boundary), outputs
//! untouched on failure (except `*out_len` on `BUFFER_TOO_SMALL`, as documented), and every
//! returned string is readable for its length and UTF-8.
#![no_main]

use std::ffi::c_void;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// An opaque handle, as C sees it.
type Handle = *mut u8;
/// `signatur_status` and the other C enums are `uint32_t`.
type Status = u32;

const OK: Status = 0;
const BUFFER_TOO_SMALL: Status = 3;
const PANIC: Status = 14;

/// `signatur_case_lookup_callback`.
type Lookup = Option<unsafe extern "C" fn(*mut c_void, u32, *const u8, usize, Handle) -> u32>;

/// `signatur_label`.
#[repr(C)]
struct Label {
    head: *const u8,
    head_len: usize,
    label: *const u8,
    label_len: usize,
}

extern "C" {
    fn signatur_status_str(status: u32) -> *const u8;
    fn signatur_last_error(buf: *mut u8, len: usize, out_len: *mut usize) -> Status;
    fn signatur_version() -> *const u8;
    fn signatur_model_from_bytes(data: *const u8, len: usize, out: *mut Handle) -> Status;
    fn signatur_model_free(model: Handle);
    fn signatur_model_head_count(model: Handle) -> usize;
    fn signatur_model_head_name(m: Handle, h: usize, o: *mut *const u8, l: *mut usize) -> Status;
    fn signatur_model_label_count(model: Handle, head: usize) -> usize;
    fn signatur_model_label_name(
        m: Handle,
        h: usize,
        i: usize,
        o: *mut *const u8,
        l: *mut usize,
    ) -> Status;
    fn signatur_model_summary_json(m: Handle, o: *mut *const u8, l: *mut usize) -> Status;
    fn signatur_model_classify(m: Handle, msg: Handle, out: *mut Handle) -> Status;
    fn signatur_model_classify_with(m: Handle, msg: Handle, o: Handle, out: *mut Handle) -> Status;
    fn signatur_classify_options_new(out: *mut Handle) -> Status;
    fn signatur_classify_options_set_top_k(o: Handle, k: u32) -> Status;
    fn signatur_classify_options_set_explain(o: Handle, words: u32) -> Status;
    fn signatur_classify_options_set_threshold(o: Handle, h: *const u8, l: usize, t: f32)
        -> Status;
    fn signatur_classify_options_free(o: Handle);
    fn signatur_case_directory_new(cb: Lookup, u: *mut c_void, ms: u32, out: *mut Handle)
        -> Status;
    fn signatur_case_directory_free(d: Handle);
    fn signatur_case_answer_set(a: Handle, field: u32, t: *const u8, l: usize) -> Status;
    fn signatur_classify_options_set_case_directory(o: Handle, d: Handle) -> Status;
    fn signatur_message_from_bytes(raw: *const u8, len: usize, out: *mut Handle) -> Status;
    fn signatur_message_from_text(utf8: *const u8, len: usize, out: *mut Handle) -> Status;
    fn signatur_message_from_memo(xml: *const u8, len: usize, out: *mut Handle) -> Status;
    fn signatur_message_free(m: Handle);
    fn signatur_message_builder_new(out: *mut Handle) -> Status;
    fn signatur_message_builder_set_subject(b: Handle, t: *const u8, l: usize) -> Status;
    fn signatur_message_builder_set_text_body(b: Handle, t: *const u8, l: usize) -> Status;
    fn signatur_message_builder_set_html_body(b: Handle, t: *const u8, l: usize) -> Status;
    fn signatur_message_builder_set_date(b: Handle, t: *const u8, l: usize) -> Status;
    fn signatur_message_builder_set_message_id(b: Handle, t: *const u8, l: usize) -> Status;
    fn signatur_message_builder_set_sender(
        b: Handle,
        a: *const u8,
        al: usize,
        n: *const u8,
        nl: usize,
    ) -> Status;
    fn signatur_message_builder_add_to(
        b: Handle,
        a: *const u8,
        al: usize,
        n: *const u8,
        nl: usize,
    ) -> Status;
    fn signatur_message_builder_add_cc(
        b: Handle,
        a: *const u8,
        al: usize,
        n: *const u8,
        nl: usize,
    ) -> Status;
    fn signatur_message_builder_add_header(
        b: Handle,
        n: *const u8,
        nl: usize,
        v: *const u8,
        vl: usize,
    ) -> Status;
    fn signatur_message_builder_add_attachment(
        b: Handle,
        n: *const u8,
        nl: usize,
        t: *const u8,
        tl: usize,
        d: *const u8,
        dl: usize,
    ) -> Status;
    fn signatur_message_builder_add_attachment_text(
        b: Handle,
        n: *const u8,
        nl: usize,
        t: *const u8,
        tl: usize,
        d: *const u8,
        dl: usize,
    ) -> Status;
    fn signatur_message_builder_set_channel(b: Handle, channel: u32) -> Status;
    fn signatur_message_builder_build(b: Handle, out: *mut Handle) -> Status;
    fn signatur_message_builder_free(b: Handle);
    fn signatur_decision_head_count(d: Handle) -> usize;
    fn signatur_decision_head_name(d: Handle, h: usize, o: *mut *const u8, l: *mut usize)
        -> Status;
    fn signatur_decision_label_count(d: Handle, head: usize) -> usize;
    fn signatur_decision_label(
        d: Handle,
        h: usize,
        i: usize,
        o: *mut *const u8,
        l: *mut usize,
        p: *mut f32,
    ) -> Status;
    fn signatur_decision_abstain(d: Handle, h: usize, a: *mut u8, t: *mut f32) -> Status;
    fn signatur_decision_decided_by(d: Handle, h: usize, o: *mut u32) -> Status;
    fn signatur_decision_explanation_count(d: Handle, head: usize) -> usize;
    fn signatur_decision_explanation(
        d: Handle,
        h: usize,
        i: usize,
        o: *mut *const u8,
        l: *mut usize,
        f: *mut u32,
        w: *mut f32,
    ) -> Status;
    fn signatur_decision_reference_count(d: Handle) -> usize;
    fn signatur_decision_reference(
        d: Handle,
        i: usize,
        k: *mut u32,
        c: *mut f32,
        s: *mut u32,
    ) -> Status;
    fn signatur_decision_reference_location(
        d: Handle,
        i: usize,
        f: *mut u32,
        a: *mut usize,
        s: *mut usize,
        e: *mut usize,
    ) -> Status;
    fn signatur_decision_reference_masked(
        d: Handle,
        i: usize,
        o: *mut *const u8,
        l: *mut usize,
    ) -> Status;
    fn signatur_decision_reference_value(
        d: Handle,
        i: usize,
        o: *mut *const u8,
        l: *mut usize,
    ) -> Status;
    fn signatur_decision_sensitive(d: Handle, s: *mut u8, c: *mut u32) -> Status;
    fn signatur_decision_json(d: Handle, o: *mut *const u8, l: *mut usize) -> Status;
    fn signatur_decision_free(d: Handle);
    fn signatur_text_redact(
        utf8: *const u8,
        len: usize,
        redaction: u32,
        buf: *mut u8,
        buf_len: usize,
        out_len: *mut usize,
    ) -> Status;
    fn signatur_train_options_new(out: *mut Handle) -> Status;
    fn signatur_train_options_set_seed(o: Handle, seed: u64) -> Status;
    fn signatur_train_options_set_epochs(o: Handle, epochs: u32) -> Status;
    fn signatur_train_options_set_target_precision(o: Handle, p: f32) -> Status;
    fn signatur_train_options_set_hidden(o: Handle, hidden: u32) -> Status;
    fn signatur_train_options_set_hash_bits(o: Handle, bits: u32) -> Status;
    fn signatur_train_options_set_stemmer(o: Handle, n: *const u8, l: usize) -> Status;
    fn signatur_train_options_set_plain_text(o: Handle, plain: u8) -> Status;
    fn signatur_train_options_set_stop_words(o: Handle, n: *const u8, l: usize) -> Status;
    fn signatur_train_options_set_ensemble(o: Handle, members: u32) -> Status;
    fn signatur_train_options_set_shared_words(o: Handle, weight: f32) -> Status;
    fn signatur_train_options_set_field_weight(
        o: Handle,
        n: *const u8,
        l: usize,
        weight: f32,
    ) -> Status;
    fn signatur_train_options_free(o: Handle);
    fn signatur_train_from_path(p: *const u8, l: usize, o: Handle, out: *mut Handle) -> Status;
    fn signatur_bytes_data(b: Handle, d: *mut *const u8, l: *mut usize) -> Status;
    fn signatur_bytes_free(b: Handle);
    fn signatur_model_learn(m: Handle, msg: Handle, l: *const Label, n: usize) -> Status;
    fn signatur_model_remember(m: Handle, msg: Handle, l: *const Label, n: usize) -> Status;
    fn signatur_model_export(m: Handle, out: *mut Handle) -> Status;
}

/// Links the library: the declarations above resolve to its exported symbols.
#[used]
static LINK: extern "C" fn() -> *const std::ffi::c_char = signatur::ffi::version::signatur_version;

/// Fails the run on a panic caught at the boundary; returns whether the call succeeded.
fn ok(what: &str, status: Status) -> bool {
    assert_ne!(status, PANIC, "{what} panicked inside libsignatur");
    status == OK
}

/// A pointer and length borrowed from the library: must be readable and UTF-8.
fn check_str(what: &str, ptr: *const u8, len: usize) {
    assert!(!ptr.is_null(), "{what}: NULL text on success");
    // SAFETY: the library documents `(ptr, len)` as readable until the owner is freed,
    // which it is not yet; ASan reports it if not.
    let s = unsafe { std::slice::from_raw_parts(ptr, len) };
    assert!(std::str::from_utf8(s).is_ok(), "{what}: not UTF-8");
}

/// A small real model trained once through the C ABI on the demo corpus, as file bytes.
///
/// Small on purpose (2^10 hash buckets): an input loads it at most once (the learner),
/// and a load under ASan and coverage instrumentation costs about 30 times what it costs
/// in a release build (tract optimising the graph, and widening the float16 tables).
/// With 2^12 buckets and a reload of the export in the same input, one input took 0.8 s
/// alone and over libFuzzer's 5 s timeout with nine targets sharing two cores (the
/// 1-hour run of 2026-12-05).
fn model_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/corpus/manifest.csv");
        let mut opts: Handle = std::ptr::null_mut();
        let mut bytes: Handle = std::ptr::null_mut();
        let (mut data, mut len): (*const u8, usize) = (std::ptr::null(), 0);
        // SAFETY: valid out-pointers and a live options handle, as the header requires.
        unsafe {
            assert!(ok(
                "train_options_new",
                signatur_train_options_new(&mut opts)
            ));
            assert!(ok(
                "set_hash_bits",
                signatur_train_options_set_hash_bits(opts, 10)
            ));
            assert!(ok("set_epochs", signatur_train_options_set_epochs(opts, 3)));
            let st = signatur_train_from_path(manifest.as_ptr(), manifest.len(), opts, &mut bytes);
            assert!(ok("train_from_path", st), "training the fuzz model failed");
            signatur_train_options_free(opts);
            assert!(ok(
                "bytes_data",
                signatur_bytes_data(bytes, &mut data, &mut len)
            ));
            let v = std::slice::from_raw_parts(data, len).to_vec();
            signatur_bytes_free(bytes);
            v
        }
    })
}

/// The model every input classifies with (learning happens on per-input copies).
fn shared_model() -> Handle {
    struct Shared(Handle);
    // SAFETY: a model handle may be used from any number of threads at once (header).
    unsafe impl Send for Shared {}
    // SAFETY: as above.
    unsafe impl Sync for Shared {}
    static MODEL: OnceLock<Shared> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let b = model_bytes();
            let mut m: Handle = std::ptr::null_mut();
            // SAFETY: `b` is readable for its length; `m` is a writable out-pointer.
            assert!(ok("model_from_bytes", unsafe {
                signatur_model_from_bytes(b.as_ptr(), b.len(), &mut m)
            }));
            Shared(m)
        })
        .0
}

/// Reads the program.
struct Input<'a> {
    data: &'a [u8],
    /// Every buffer handed to the library, each its own exact allocation.
    keep: Vec<Vec<u8>>,
}

impl<'a> Input<'a> {
    fn u8(&mut self) -> u8 {
        let Some((&b, rest)) = self.data.split_first() else {
            return 0;
        };
        self.data = rest;
        b
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }

    /// A small index, sometimes far out of range.
    fn index(&mut self) -> usize {
        match self.u8() {
            255 => usize::MAX,
            254 => 1 << 40,
            b => usize::from(b % 8),
        }
    }

    /// A text argument `(ptr, len)`: a copy of the next bytes (length from the input), or
    /// NULL with length 0 (an empty input), or NULL with a length (must be refused).
    fn text(&mut self) -> (*const u8, usize) {
        let tag = self.u8();
        match tag {
            250 => (std::ptr::null(), 0),
            251 => (std::ptr::null(), 1 + usize::from(self.u8())),
            _ => {
                let n = usize::from(tag).min(self.data.len());
                let (t, rest) = self.data.split_at(n);
                self.data = rest;
                self.keep.push(t.to_vec());
                let v = self.keep.last().expect("just pushed");
                (v.as_ptr(), v.len())
            }
        }
    }

    /// The rest of the input as one text.
    fn rest(&mut self) -> (*const u8, usize) {
        self.keep.push(std::mem::take(&mut self.data).to_vec());
        let v = self.keep.last().expect("just pushed");
        (v.as_ptr(), v.len())
    }
}

/// A field a scripted answer sets: `(field, text)`, the text NULL (`None`) with a length.
type Field = (u32, Option<Vec<u8>>, usize);

/// One scripted answer of a case directory: what the callback returns, and the fields it
/// sets first (unknown fields, invalid UTF-8, oversized and NULL texts included).
struct Answer {
    result: u32,
    fields: Vec<Field>,
}

/// What a fuzzed case directory answers. The callback only reads it (the library may call
/// it from any thread): the answer is picked by the query and the key's length.
struct Script {
    answers: Vec<Answer>,
}

impl Script {
    fn read(inp: &mut Input) -> Box<Script> {
        let answers = (0..1 + inp.u8() % 4)
            .map(|_| {
                let result = match inp.u8() % 8 {
                    r @ 0..=5 => u32::from(r % 4) + 1,
                    6 => 0,
                    _ => inp.u32(),
                };
                let fields = (0..inp.u8() % 5)
                    .map(|_| {
                        let field = match inp.u8() % 8 {
                            f @ 0..=5 => u32::from(f),
                            6 => 6,
                            _ => inp.u32(),
                        };
                        let (text, len) = match inp.u8() {
                            250 => (None, 0),
                            251 => (None, 1 + usize::from(inp.u8())),
                            // Over the 512-byte limit.
                            252 => (Some(vec![b'7'; 513]), 513),
                            n => {
                                let n = usize::from(n).min(inp.data.len());
                                let (t, rest) = inp.data.split_at(n);
                                inp.data = rest;
                                (Some(t.to_vec()), n)
                            }
                        };
                        (field, text, len)
                    })
                    .collect();
                Answer { result, fields }
            })
            .collect();
        Box::new(Script { answers })
    }
}

/// The case lookup callback: checks the key the library passes, then answers from the
/// script in `userdata`.
unsafe extern "C" fn lookup(
    userdata: *mut c_void,
    query: u32,
    key: *const u8,
    key_len: usize,
    answer: Handle,
) -> u32 {
    assert!(
        query <= 1,
        "lookup: query {query} is no signatur_case_query"
    );
    assert!(
        !key.is_null() && !answer.is_null(),
        "lookup: NULL key or answer"
    );
    // SAFETY: the header lends `(key, key_len)` plus a NUL during the call; ASan reports
    // a read past it.
    let k = unsafe { std::slice::from_raw_parts(key, key_len + 1) };
    assert_eq!(k[key_len], 0, "lookup: key not NUL-terminated");
    assert!(
        std::str::from_utf8(&k[..key_len]).is_ok(),
        "lookup: key not UTF-8"
    );
    // SAFETY: `userdata` is the `Script` the directory was made with; `State` keeps it
    // alive until every options object is freed, and nothing writes to it.
    let script = unsafe { &*userdata.cast::<Script>() };
    let a = &script.answers[(query as usize + key_len) % script.answers.len()];
    for (field, text, len) in &a.fields {
        let p = text.as_ref().map_or(std::ptr::null(), |t| t.as_ptr());
        // SAFETY: `answer` is the one lent to this call; `p` is NULL or `len` bytes.
        let st = unsafe { signatur_case_answer_set(answer, *field, p, *len) };
        assert_ne!(st, PANIC, "case_answer_set panicked inside libsignatur");
    }
    a.result
}

/// The handles a program holds; all freed at the end.
struct State {
    message: Handle,
    decision: Handle,
    builder: Handle,
    options: Handle,
    /// A fresh copy of the model for corrections (so learning never accumulates across
    /// inputs).
    learner: Handle,
    /// Whether this input has exported the learner already.
    exported: bool,
    /// Every case directory's script (`Box::into_raw`: the library holds the pointer, so
    /// the box is not moved or reborrowed while it may be read), freed in `drop` after the
    /// options that may call its callback.
    scripts: Vec<*mut Script>,
}

impl Drop for State {
    fn drop(&mut self) {
        // SAFETY: each is NULL or a live handle of the matching type, freed once here.
        unsafe {
            signatur_message_free(self.message);
            signatur_decision_free(self.decision);
            signatur_message_builder_free(self.builder);
            signatur_classify_options_free(self.options);
            signatur_model_free(self.learner);
            for p in self.scripts.drain(..) {
                // SAFETY: from `Box::into_raw`, freed once, and no options are left that
                // could call a callback reading it.
                drop(Box::from_raw(p));
            }
        }
    }
}

/// Replaces `slot` with a new message handle (freeing the old one) when the call succeeded.
fn set_message(st: &mut State, status: Status, m: Handle, what: &str) {
    if ok(what, status) {
        assert!(!m.is_null(), "{what}: NULL message on success");
        // SAFETY: the old message is NULL or live, and is not used again.
        unsafe { signatur_message_free(st.message) };
        st.message = m;
    } else {
        assert!(m.is_null(), "{what}: output written on failure");
    }
}

/// Calls a getter of a text owned by a handle and checks it.
fn text_out(what: &str, call: impl FnOnce(*mut *const u8, *mut usize) -> Status) {
    let (mut p, mut l) = (std::ptr::null::<u8>(), usize::MAX);
    if ok(what, call(&mut p, &mut l)) {
        check_str(what, p, l);
    } else {
        assert!(
            p.is_null() && l == usize::MAX,
            "{what}: output written on failure"
        );
    }
}

fn step(inp: &mut Input, st: &mut State) {
    let model = shared_model();
    let op = inp.u8() % 18;
    // SAFETY (all calls below): every handle passed is NULL or live and of the right type;
    // every `(ptr, len)` is NULL or an allocation of exactly `len` bytes kept alive in
    // `inp.keep`; every out-pointer points to a local. NULL handles and NULL texts with a
    // length are part of what is fuzzed: the header says they are refused, not UB.
    unsafe {
        match op {
            0 | 1 | 2 => {
                let (p, l) = if inp.u8() % 4 == 0 {
                    inp.rest()
                } else {
                    inp.text()
                };
                let mut m: Handle = std::ptr::null_mut();
                let s = match op {
                    0 => signatur_message_from_bytes(p, l, &mut m),
                    1 => signatur_message_from_text(p, l, &mut m),
                    _ => signatur_message_from_memo(p, l, &mut m),
                };
                set_message(st, s, m, "message_from_*");
            }
            3 => {
                if st.builder.is_null() {
                    assert!(ok(
                        "builder_new",
                        signatur_message_builder_new(&mut st.builder)
                    ));
                }
                let b = st.builder;
                let (a, al) = inp.text();
                let pick = inp.u8() % 12;
                let s = match pick {
                    0 => signatur_message_builder_set_subject(b, a, al),
                    1 => signatur_message_builder_set_text_body(b, a, al),
                    2 => signatur_message_builder_set_html_body(b, a, al),
                    3 => signatur_message_builder_set_date(b, a, al),
                    4 => signatur_message_builder_set_message_id(b, a, al),
                    5..=8 => {
                        // Two texts: an address and a name, or a header's name and value.
                        let (n, nl) = inp.text();
                        let f = [
                            signatur_message_builder_set_sender,
                            signatur_message_builder_add_to,
                            signatur_message_builder_add_cc,
                            signatur_message_builder_add_header,
                        ];
                        f[usize::from(pick - 5)](b, a, al, n, nl)
                    }
                    9 | 10 => {
                        let (t, tl) = inp.text();
                        let (d, dl) = inp.text();
                        let f = if pick == 9 {
                            signatur_message_builder_add_attachment
                        } else {
                            signatur_message_builder_add_attachment_text
                        };
                        f(b, a, al, t, tl, d, dl)
                    }
                    _ => signatur_message_builder_set_channel(b, inp.u32()),
                };
                ok("builder_set", s);
            }
            4 => {
                let mut m: Handle = std::ptr::null_mut();
                let s = signatur_message_builder_build(st.builder, &mut m);
                set_message(st, s, m, "builder_build");
            }
            5 | 6 => {
                let mut d: Handle = std::ptr::null_mut();
                let s = if op == 5 {
                    signatur_model_classify(model, st.message, &mut d)
                } else {
                    if st.options.is_null() {
                        assert!(ok(
                            "options_new",
                            signatur_classify_options_new(&mut st.options)
                        ));
                    }
                    let o = st.options;
                    match inp.u8() % 5 {
                        0 => ok(
                            "set_top_k",
                            signatur_classify_options_set_top_k(o, inp.u32()),
                        ),
                        1 => ok(
                            "set_explain",
                            signatur_classify_options_set_explain(o, inp.u32()),
                        ),
                        2 => {
                            let (h, hl) = inp.text();
                            let t = f32::from_bits(inp.u32());
                            ok(
                                "set_threshold",
                                signatur_classify_options_set_threshold(o, h, hl, t),
                            )
                        }
                        3 => {
                            let script = Box::into_raw(Script::read(inp));
                            st.scripts.push(script);
                            let timeout_ms = u32::from(inp.u8() % 3) * 20;
                            let cb: Lookup = match inp.u8() % 8 {
                                0 => None,
                                _ => Some(lookup),
                            };
                            let user = script.cast::<c_void>();
                            let mut dir: Handle = std::ptr::null_mut();
                            let s = signatur_case_directory_new(cb, user, timeout_ms, &mut dir);
                            if ok("case_directory_new", s) {
                                assert!(cb.is_some(), "a NULL callback was taken");
                                ok(
                                    "set_case_directory",
                                    signatur_classify_options_set_case_directory(o, dir),
                                );
                                // The options keep their own reference (header).
                                signatur_case_directory_free(dir);
                            } else {
                                assert!(dir.is_null(), "case_directory_new: output on failure");
                                // NULL removes the directory.
                                ok(
                                    "remove_case_directory",
                                    signatur_classify_options_set_case_directory(o, dir),
                                );
                            }
                            true
                        }
                        _ => true,
                    };
                    signatur_model_classify_with(model, st.message, o, &mut d)
                };
                if ok("classify", s) {
                    assert!(!d.is_null());
                    signatur_decision_free(st.decision);
                    st.decision = d;
                } else {
                    assert!(d.is_null(), "classify: output written on failure");
                }
            }
            7 => {
                let d = st.decision;
                let (h, i) = (inp.index(), inp.index());
                let _ = signatur_decision_head_count(d);
                let _ = signatur_decision_label_count(d, h);
                let _ = signatur_decision_explanation_count(d, h);
                let _ = signatur_decision_reference_count(d);
                text_out("decision_head_name", |o, l| {
                    signatur_decision_head_name(d, h, o, l)
                });
                let mut p = f32::NAN;
                text_out("decision_label", |o, l| {
                    signatur_decision_label(d, h, i, o, l, &mut p)
                });
                let (mut a, mut t, mut by, mut f, mut w) = (9u8, 0f32, 0u32, 0u32, 0f32);
                ok("abstain", signatur_decision_abstain(d, h, &mut a, &mut t));
                ok("decided_by", signatur_decision_decided_by(d, h, &mut by));
                text_out("explanation", |o, l| {
                    signatur_decision_explanation(d, h, i, o, l, &mut f, &mut w)
                });
                let (mut k, mut c, mut cs) = (0u32, 0f32, 0u32);
                ok(
                    "reference",
                    signatur_decision_reference(d, i, &mut k, &mut c, &mut cs),
                );
                let (mut rf, mut ra, mut rs, mut re) = (0u32, 0usize, 0usize, 0usize);
                if ok(
                    "reference_location",
                    signatur_decision_reference_location(d, i, &mut rf, &mut ra, &mut rs, &mut re),
                ) {
                    assert!(rs <= re, "a reference ends before it starts");
                }
                text_out("reference_masked", |o, l| {
                    signatur_decision_reference_masked(d, i, o, l)
                });
                text_out("reference_value", |o, l| {
                    signatur_decision_reference_value(d, i, o, l)
                });
                let (mut sens, mut cats) = (9u8, 0u32);
                ok(
                    "sensitive",
                    signatur_decision_sensitive(d, &mut sens, &mut cats),
                );
                text_out("decision_json", |o, l| signatur_decision_json(d, o, l));
                // NULL out-pointers are refused, never written through.
                ok(
                    "abstain NULL",
                    signatur_decision_abstain(d, h, std::ptr::null_mut(), &mut t),
                );
                ok(
                    "json NULL",
                    signatur_decision_json(d, std::ptr::null_mut(), std::ptr::null_mut()),
                );
            }
            8 => {
                let (p, l) = inp.text();
                let redaction = u32::from(inp.u8() % 5);
                let cap = usize::from(inp.u8());
                let mut buf = vec![0xAAu8; cap];
                let bp = if inp.u8() % 8 == 0 {
                    std::ptr::null_mut()
                } else {
                    buf.as_mut_ptr()
                };
                let mut out = usize::MAX;
                let s = signatur_text_redact(p, l, redaction, bp, cap, &mut out);
                if ok("text_redact", s) {
                    assert!(
                        out < cap && buf[out] == 0,
                        "text_redact: no NUL after the text"
                    );
                    assert!(std::str::from_utf8(&buf[..out]).is_ok());
                } else if s != BUFFER_TOO_SMALL {
                    assert_eq!(out, usize::MAX, "text_redact: out_len written on failure");
                }
            }
            9 => {
                let cap = usize::from(inp.u8() % 64);
                let mut buf = vec![0xAAu8; cap];
                let bp = if cap == 0 && inp.u8() % 2 == 0 {
                    std::ptr::null_mut()
                } else {
                    buf.as_mut_ptr()
                };
                let mut out = usize::MAX;
                let s = signatur_last_error(bp, cap, &mut out);
                if ok("last_error", s) {
                    assert!(out < cap && buf[out] == 0);
                    assert!(std::str::from_utf8(&buf[..out]).is_ok());
                } else {
                    assert_eq!(s, BUFFER_TOO_SMALL);
                    assert!(out >= cap);
                    assert!(
                        buf.iter().all(|&b| b == 0xAA),
                        "last_error wrote a small buffer"
                    );
                }
            }
            10 => {
                let p = signatur_status_str(inp.u32());
                assert!(!p.is_null());
                assert!(std::ffi::CStr::from_ptr(p.cast()).to_str().is_ok());
                assert!(!signatur_version().is_null());
            }
            11 => {
                let m = if inp.u8() % 8 == 0 {
                    std::ptr::null_mut()
                } else {
                    model
                };
                let (h, i) = (inp.index(), inp.index());
                let _ = signatur_model_head_count(m);
                let _ = signatur_model_label_count(m, h);
                text_out("model_head_name", |o, l| {
                    signatur_model_head_name(m, h, o, l)
                });
                text_out("model_label_name", |o, l| {
                    signatur_model_label_name(m, h, i, o, l)
                });
                text_out("summary_json", |o, l| signatur_model_summary_json(m, o, l));
            }
            12 | 13 => {
                if st.learner.is_null() {
                    let b = model_bytes();
                    assert!(ok(
                        "learner",
                        signatur_model_from_bytes(b.as_ptr(), b.len(), &mut st.learner)
                    ));
                }
                let n = usize::from(inp.u8() % 4);
                let mut labels = Vec::with_capacity(n);
                for _ in 0..n {
                    let (head, head_len) = inp.text();
                    let (label, label_len) = inp.text();
                    labels.push(Label {
                        head,
                        head_len,
                        label,
                        label_len,
                    });
                }
                let lp = if n == 0 && inp.u8() % 2 == 0 {
                    std::ptr::null()
                } else {
                    labels.as_ptr()
                };
                let s = if op == 12 {
                    signatur_model_learn(st.learner, st.message, lp, n)
                } else {
                    signatur_model_remember(st.learner, st.message, lp, n)
                };
                ok("learn/remember", s);
                // At most one export per input, and no reload of it here: the learner is
                // this input's one model load (see `model_bytes`). That an export after
                // corrections loads again is tested in tests/c/train.c and tests/learn.rs.
                if !st.exported && inp.u8() % 16 == 0 {
                    st.exported = true;
                    let mut bytes: Handle = std::ptr::null_mut();
                    if ok("export", signatur_model_export(st.learner, &mut bytes)) {
                        let (mut d, mut l) = (std::ptr::null::<u8>(), 0usize);
                        assert!(ok("bytes_data", signatur_bytes_data(bytes, &mut d, &mut l)));
                        assert!(!d.is_null() && l > 0, "export: no bytes");
                        // Every byte readable (ASan checks), and a protobuf field first.
                        let file = std::slice::from_raw_parts(d, l);
                        assert_eq!(file[0], 0x08, "export: not an ONNX ModelProto");
                        std::hint::black_box(file.iter().fold(0u8, |a, &b| a ^ b));
                        signatur_bytes_free(bytes);
                    }
                }
            }
            14 => {
                let (p, l) = inp.text();
                let mut m: Handle = std::ptr::null_mut();
                if ok("model_from_bytes", signatur_model_from_bytes(p, l, &mut m)) {
                    signatur_model_free(m);
                }
            }
            15 => {
                let mut o: Handle = std::ptr::null_mut();
                assert!(ok("train_options_new", signatur_train_options_new(&mut o)));
                ok(
                    "seed",
                    signatur_train_options_set_seed(o, u64::from(inp.u32())),
                );
                ok("epochs", signatur_train_options_set_epochs(o, inp.u32()));
                ok(
                    "precision",
                    signatur_train_options_set_target_precision(o, f32::from_bits(inp.u32())),
                );
                ok("hidden", signatur_train_options_set_hidden(o, inp.u32()));
                ok(
                    "hash_bits",
                    signatur_train_options_set_hash_bits(o, inp.u32()),
                );
                let (n, nl) = inp.text();
                ok("stemmer", signatur_train_options_set_stemmer(o, n, nl));
                ok(
                    "plain_text",
                    signatur_train_options_set_plain_text(o, inp.u8()),
                );
                let (n, nl) = inp.text();
                ok(
                    "stop_words",
                    signatur_train_options_set_stop_words(o, n, nl),
                );
                ok(
                    "ensemble",
                    signatur_train_options_set_ensemble(o, inp.u32()),
                );
                ok(
                    "shared_words",
                    signatur_train_options_set_shared_words(o, f32::from_bits(inp.u32())),
                );
                let (n, nl) = inp.text();
                ok(
                    "field_weight",
                    signatur_train_options_set_field_weight(o, n, nl, f32::from_bits(inp.u32())),
                );
                // Only refusals: no path, or a NULL one.
                let mut out: Handle = std::ptr::null_mut();
                let (p, l) = if inp.u8() % 2 == 0 {
                    (std::ptr::null(), 0)
                } else {
                    (std::ptr::null(), 3)
                };
                assert!(!ok(
                    "train_from_path",
                    signatur_train_from_path(p, l, o, &mut out)
                ));
                assert!(out.is_null());
                signatur_train_options_free(o);
            }
            16 => {
                signatur_message_free(std::mem::replace(&mut st.message, std::ptr::null_mut()));
                signatur_decision_free(std::mem::replace(&mut st.decision, std::ptr::null_mut()));
            }
            _ => {
                signatur_message_builder_free(std::mem::replace(
                    &mut st.builder,
                    std::ptr::null_mut(),
                ));
                signatur_classify_options_free(std::mem::replace(
                    &mut st.options,
                    std::ptr::null_mut(),
                ));
            }
        }
    }
}

// What is made once (a model trained for the C ABI target takes seconds) is made before
// the first input, outside libFuzzer's per-input timeout.
fuzz_target!(init: {
    shared_model();
}, |data: &[u8]| {
    let mut inp = Input {
        data,
        keep: Vec::new(),
    };
    let mut st = State {
        message: std::ptr::null_mut(),
        decision: std::ptr::null_mut(),
        builder: std::ptr::null_mut(),
        options: std::ptr::null_mut(),
        learner: std::ptr::null_mut(),
        exported: false,
        scripts: Vec::new(),
    };
    for _ in 0..64 {
        if inp.data.is_empty() {
            break;
        }
        step(&mut inp, &mut st);
    }
});
