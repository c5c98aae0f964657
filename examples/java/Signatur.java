// A Java binding of libsignatur's C API over JNA (Debian: libjna-java).
//
// Model, Message and MessageBuilder hold native handles: they are AutoCloseable (use
// try-with-resources), and a Cleaner frees any that are garbage-collected unclosed. A failing
// call throws SignaturException with the status and the library's own message. Decisions are
// copied into plain Java objects, so they hold nothing native.
//
//   javac -cp /usr/share/java/jna.jar Signatur.java
//   java -cp .:/usr/share/java/jna.jar -Djna.library.path=/path/to/lib ...
import com.sun.jna.Callback;
import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByReference;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.FloatByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class Signatur {
    private Signatur() {}

    /** The status codes of signatur.h, by value. */
    public static final int OK = 0, NULL_ARGUMENT = 1, INVALID_UTF8 = 2, BUFFER_TOO_SMALL = 3,
            OUT_OF_RANGE = 4, IO = 5, PARSE = 6, INVALID_INPUT = 7, TOO_LARGE = 8, INVALID_MODEL = 9,
            UNSUPPORTED_MODEL_VERSION = 10, TRAINING = 11, INFERENCE = 12, CONFIG = 13, PANIC = 14,
            OTHER = 15;

    /** C's size_t. */
    public static final class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;

        public SizeT() { this(0); }
        public SizeT(long value) { super(Native.SIZE_T_SIZE, value, true); }
    }

    /** A size_t output parameter. */
    public static final class SizeTByReference extends ByReference {
        public SizeTByReference() { super(Native.SIZE_T_SIZE); }
        public long getValue() {
            return Native.SIZE_T_SIZE == 8 ? getPointer().getLong(0) : getPointer().getInt(0) & 0xffffffffL;
        }
    }

    /** The C functions; signatur_status is uint32_t, read as int. */
    interface C extends Library {
        C LIB = Native.load("signatur", C.class);

        String signatur_version();
        String signatur_status_str(int status);
        int signatur_last_error(byte[] buf, SizeT len, SizeTByReference outLen);

        int signatur_model_load(byte[] path, SizeT len, PointerByReference out);
        int signatur_model_from_bytes(byte[] data, SizeT len, PointerByReference out);
        void signatur_model_free(Pointer model);
        SizeT signatur_model_head_count(Pointer model);
        int signatur_model_head_name(Pointer model, SizeT head, PointerByReference name, SizeTByReference len);
        int signatur_model_classify(Pointer model, Pointer message, PointerByReference decision);
        int signatur_model_classify_with(Pointer model, Pointer message, Pointer options, PointerByReference decision);

        int signatur_classify_options_new(PointerByReference out);
        int signatur_classify_options_set_top_k(Pointer options, int topK);
        int signatur_classify_options_set_explain(Pointer options, int words);
        int signatur_classify_options_set_threshold(Pointer options, byte[] head, SizeT len, float threshold);
        void signatur_classify_options_free(Pointer options);
        int signatur_classify_options_set_case_directory(Pointer options, Pointer directory);

        /** signatur_case_lookup_callback. */
        interface LookupCallback extends Callback {
            int invoke(Pointer userdata, int query, Pointer key, SizeT keyLen, Pointer answer);
        }

        int signatur_case_directory_new(LookupCallback callback, Pointer userdata, int timeoutMs, PointerByReference out);
        void signatur_case_directory_free(Pointer directory);
        int signatur_case_answer_set(Pointer answer, int field, byte[] utf8, SizeT len);

        int signatur_message_from_bytes(byte[] raw, SizeT len, PointerByReference out);
        int signatur_message_from_text(byte[] utf8, SizeT len, PointerByReference out);
        int signatur_message_from_memo(byte[] xml, SizeT len, PointerByReference out);
        void signatur_message_free(Pointer message);

        int signatur_message_builder_new(PointerByReference out);
        int signatur_message_builder_set_subject(Pointer b, byte[] utf8, SizeT len);
        int signatur_message_builder_set_text_body(Pointer b, byte[] utf8, SizeT len);
        int signatur_message_builder_set_sender(Pointer b, byte[] address, SizeT addressLen, byte[] name, SizeT nameLen);
        int signatur_message_builder_add_to(Pointer b, byte[] address, SizeT addressLen, byte[] name, SizeT nameLen);
        int signatur_message_builder_build(Pointer b, PointerByReference out);
        void signatur_message_builder_free(Pointer b);

        SizeT signatur_decision_head_count(Pointer d);
        int signatur_decision_head_name(Pointer d, SizeT head, PointerByReference name, SizeTByReference len);
        SizeT signatur_decision_label_count(Pointer d, SizeT head);
        int signatur_decision_label(Pointer d, SizeT head, SizeT index, PointerByReference label, SizeTByReference len, FloatByReference p);
        SizeT signatur_decision_level_label_count(Pointer d, SizeT head, int level);
        int signatur_decision_level_label(Pointer d, SizeT head, int level, SizeT index, PointerByReference code, SizeTByReference len, FloatByReference p);
        int signatur_decision_fallback(Pointer d, SizeT head, IntByReference level, PointerByReference code, SizeTByReference len, FloatByReference p);
        int signatur_decision_decided_by(Pointer d, SizeT head, IntByReference by);
        int signatur_decision_abstain(Pointer d, SizeT head, ByteByReference abstain, FloatByReference threshold);
        SizeT signatur_decision_explanation_count(Pointer d, SizeT head);
        int signatur_decision_explanation(Pointer d, SizeT head, SizeT index, PointerByReference text, SizeTByReference len, IntByReference field, FloatByReference weight);
        SizeT signatur_decision_reference_count(Pointer d);
        int signatur_decision_reference_masked(Pointer d, SizeT index, PointerByReference text, SizeTByReference len);
        int signatur_decision_sensitive(Pointer d, ByteByReference sensitive, IntByReference categories);
        int signatur_decision_json(Pointer d, PointerByReference json, SizeTByReference len);
        void signatur_decision_free(Pointer d);
    }

    /** A failed call: the status and the library's detailed message. */
    public static final class SignaturException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public final int status;

        SignaturException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static final Cleaner CLEANER = Cleaner.create();

    /** Throws for any status but OK, with this thread's last error message. */
    static void check(int status) {
        if (status != OK) {
            throw new SignaturException(status, lastError(status));
        }
    }

    static String lastError(int status) {
        SizeTByReference needed = new SizeTByReference();
        if (C.LIB.signatur_last_error(null, new SizeT(0), needed) == BUFFER_TOO_SMALL) {
            byte[] buf = new byte[(int) needed.getValue() + 1];
            SizeTByReference len = new SizeTByReference();
            if (C.LIB.signatur_last_error(buf, new SizeT(buf.length), len) == OK) {
                return new String(buf, 0, (int) len.getValue(), StandardCharsets.UTF_8);
            }
        }
        return C.LIB.signatur_status_str(status);
    }

    /** A function that makes a handle from bytes (signatur_model_load, …). */
    interface Maker {
        int make(byte[] data, SizeT len, PointerByReference out);
    }

    /** Calls `maker` on `data`; the new handle, or an exception. */
    static Pointer make(Maker maker, byte[] data) {
        PointerByReference out = new PointerByReference();
        check(maker.make(data, size(data), out));
        return out.getValue();
    }

    /** A borrowed UTF-8 text as a String. */
    static String text(PointerByReference p, SizeTByReference len) {
        return new String(p.getValue().getByteArray(0, (int) len.getValue()), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }

    static SizeT size(byte[] b) {
        return new SizeT(b == null ? 0 : b.length);
    }

    public static String libraryVersion() {
        return C.LIB.signatur_version();
    }

    /**
     * A native handle freed exactly once: by close(), or by the Cleaner. A close() on one
     * thread while another thread is inside a call with the handle does not free it under
     * that call: close() marks the handle closed (new calls are refused) and the last call
     * in flight frees it as it returns, or close() itself when none is in flight.
     */
    abstract static class Handle implements AutoCloseable {
        /** Set in {@link #state} once the handle is closed; the bits below count calls in flight. */
        private static final int CLOSED = 1 << 30;

        private final Pointer ptr;
        private final Cleaner.Cleanable cleanable;
        private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();

        Handle(Pointer ptr, java.util.function.Consumer<Pointer> free) {
            this.ptr = ptr;
            this.cleanable = CLEANER.register(this, () -> free.accept(ptr));
        }

        /**
         * Runs a native call with this handle's pointer. The handle stays reachable until
         * the call has returned: once its pointer is read, the JIT may treat the object as
         * dead, and the Cleaner would free the native object during the call. A closed
         * handle is refused instead of passing a freed pointer; a close() during the call
         * frees the handle only when the call has returned.
         */
        <T> T with(java.util.function.Function<Pointer, T> call) {
            int s;
            do {
                s = state.get();
                if ((s & CLOSED) != 0) {
                    throw new IllegalStateException(getClass().getSimpleName() + " is closed");
                }
            } while (!state.compareAndSet(s, s + 1));
            try {
                return call.apply(ptr);
            } finally {
                // The last call of a handle closed meanwhile frees it.
                if (state.decrementAndGet() == CLOSED) {
                    cleanable.clean();
                }
                java.lang.ref.Reference.reachabilityFence(this);
            }
        }

        @Override
        public void close() {
            int s;
            do {
                s = state.get();
                if ((s & CLOSED) != 0) {
                    return;
                }
            } while (!state.compareAndSet(s, s | CLOSED));
            if (s == 0) {
                cleanable.clean();
            }
        }
    }

    /** A loaded model. Thread-safe: share one instance between all threads. */
    public static final class Model extends Handle {
        private Model(Pointer p) { super(p, C.LIB::signatur_model_free); }

        public static Model load(String path) {
            return new Model(make(C.LIB::signatur_model_load, utf8(path)));
        }

        public static Model fromBytes(byte[] modelFile) {
            return new Model(make(C.LIB::signatur_model_from_bytes, modelFile));
        }

        public List<String> heads() {
            List<String> heads = new ArrayList<>();
            long n = with(p -> C.LIB.signatur_model_head_count(p)).longValue();
            for (long h = 0; h < n; h++) {
                PointerByReference name = new PointerByReference();
                SizeTByReference len = new SizeTByReference();
                SizeT index = new SizeT(h);
                // The name is lent by the model: read it while the model is alive.
                heads.add(with(p -> {
                    check(C.LIB.signatur_model_head_name(p, index, name, len));
                    return text(name, len);
                }));
            }
            return heads;
        }

        public Decision classify(Message message) {
            PointerByReference out = new PointerByReference();
            check(with(p -> message.with(m -> C.LIB.signatur_model_classify(p, m, out))));
            return Decision.copyAndFree(out.getValue());
        }

        public Decision classify(Message message, int topK, int explain) {
            return classify(message, null, topK, explain, Map.of());
        }

        /** Classifies with the abstain threshold of some heads overridden. */
        public Decision classify(Message message, Map<String, Float> thresholds) {
            return classify(message, null, 3, 5, thresholds);
        }

        /**
         * Classifies with the host's case directory asked first (after the message's own
         * data) for the cases the message cites and the thread it continues.
         */
        public Decision classify(Message message, CaseDirectory directory) {
            return classify(message, directory, 3, 5, Map.of());
        }

        private Decision classify(Message message, CaseDirectory directory, int topK, int explain,
                Map<String, Float> thresholds) {
            PointerByReference o = new PointerByReference();
            check(C.LIB.signatur_classify_options_new(o));
            Pointer options = o.getValue();
            try {
                check(C.LIB.signatur_classify_options_set_top_k(options, topK));
                check(C.LIB.signatur_classify_options_set_explain(options, explain));
                for (Map.Entry<String, Float> t : thresholds.entrySet()) {
                    byte[] head = utf8(t.getKey());
                    check(C.LIB.signatur_classify_options_set_threshold(options, head, size(head), t.getValue()));
                }
                if (directory != null) {
                    check(directory.with(d -> C.LIB.signatur_classify_options_set_case_directory(options, d)));
                }
                PointerByReference out = new PointerByReference();
                check(with(p -> message.with(m -> C.LIB.signatur_model_classify_with(p, m, options, out))));
                return Decision.copyAndFree(out.getValue());
            } finally {
                C.LIB.signatur_classify_options_free(options);
                // The options held the native directory, whose callback lives in `directory`.
                java.lang.ref.Reference.reachabilityFence(directory);
            }
        }
    }

    /** A level of the KLE plan (signatur_kle_level). */
    public static final int KLE_LEVEL_NONE = 0, KLE_LEVEL_EMNE = 1, KLE_LEVEL_GRUPPE = 2,
            KLE_LEVEL_HOVEDGRUPPE = 3;

    /** For a kle head that abstains on the emne: the gruppe or hovedgruppe it is sure of. */
    public static final class Fallback {
        /** KLE_LEVEL_GRUPPE or KLE_LEVEL_HOVEDGRUPPE. */
        public final int level;
        public final String code;
        public final float probability;

        Fallback(int level, String code, float probability) {
            this.level = level;
            this.code = code;
            this.probability = probability;
        }
    }

    /** What decided a head (signatur_decided_by). */
    public static final int DECIDED_BY_MODEL = 0, DECIDED_BY_RULE = 1, DECIDED_BY_MESSAGE = 2,
            DECIDED_BY_CASE_NUMBER = 3, DECIDED_BY_DIRECTORY = 4, DECIDED_BY_THREAD = 5,
            DECIDED_BY_OTHER = 255;

    /** What a case lookup asks about (signatur_case_query). */
    public static final int CASE_QUERY_REFERENCE = 0, CASE_QUERY_MESSAGE_ID = 1;

    /** What the host's case directory answers to one lookup. */
    public static final class CaseLookup {
        final int result;
        final String reference, unit, kle, facet, title, reason;

        private CaseLookup(int result, String reference, String unit, String kle, String facet, String title,
                String reason) {
            this.result = result;
            this.reference = reference;
            this.unit = unit;
            this.kle = kle;
            this.facet = facet;
            this.title = title;
            this.reason = reason;
        }

        /** A known case: any of unit, KLE emne and facet may be null, not all. */
        public static CaseLookup found(String reference, String unit, String kle, String facet, String title) {
            return new CaseLookup(1, reference, unit, kle, facet, title, null);
        }

        /** The directory does not know it. */
        public static CaseLookup unknown() {
            return new CaseLookup(2, null, null, null, null, null, null);
        }

        /** The directory could not look it up (the reason is shown in the decision: no personal data). */
        public static CaseLookup failed(String reason) {
            return new CaseLookup(3, null, null, null, null, null, reason);
        }

        /** The directory did not answer in time. */
        public static CaseLookup timeout(String reason) {
            return new CaseLookup(4, null, null, null, null, null, reason);
        }
    }

    /** Looks up a case reference (CASE_QUERY_REFERENCE) or a Message-ID (CASE_QUERY_MESSAGE_ID). */
    @FunctionalInterface
    public interface CaseLookupFunction {
        CaseLookup lookup(int query, String key);
    }

    /**
     * The host's case directory. A known case decides the unit, kle and facet heads; an
     * unknown one, a failure, an exception or an unusable answer leaves them to the model,
     * with the reason in the decision. The function is called on the classifying thread, from
     * several threads at once when they share the directory: it must be thread-safe.
     */
    public static final class CaseDirectory extends Handle {
        // The native directory calls this callback: it lives as long as this object.
        private final C.LookupCallback callback;

        /** {@code timeoutMs} bounds all lookups for one message together (0: 1000 ms). */
        public CaseDirectory(CaseLookupFunction lookup, int timeoutMs) {
            this(trampoline(lookup), timeoutMs);
        }

        public CaseDirectory(CaseLookupFunction lookup) {
            this(lookup, 0);
        }

        private CaseDirectory(C.LookupCallback callback, int timeoutMs) {
            super(create(callback, timeoutMs), C.LIB::signatur_case_directory_free);
            this.callback = callback;
        }

        private static Pointer create(C.LookupCallback callback, int timeoutMs) {
            PointerByReference out = new PointerByReference();
            check(C.LIB.signatur_case_directory_new(callback, null, timeoutMs, out));
            return out.getValue();
        }

        private static C.LookupCallback trampoline(CaseLookupFunction lookup) {
            if (lookup == null) {
                throw new NullPointerException("lookup");
            }
            return (userdata, query, key, keyLen, answer) -> {
                try {
                    String k = new String(key.getByteArray(0, (int) keyLen.longValue()), StandardCharsets.UTF_8);
                    CaseLookup a = lookup.lookup(query, k);
                    if (a == null) {
                        a = CaseLookup.failed("the directory answered null");
                    }
                    // A field the library refuses (too long, ...) is remembered by the answer
                    // and makes a found case count as failed: the statuses need no check here.
                    set(answer, 0, a.reference);
                    set(answer, 1, a.unit);
                    set(answer, 2, a.kle);
                    set(answer, 3, a.facet);
                    set(answer, 4, a.title);
                    set(answer, 5, a.reason);
                    return a.result;
                } catch (Throwable e) {
                    // Nothing may unwind into the library. The message may hold personal
                    // data: only the type is reported.
                    set(answer, 5, "the directory threw " + e.getClass().getSimpleName());
                    return 3;
                }
            };
        }

        private static void set(Pointer answer, int field, String value) {
            if (value != null) {
                byte[] b = utf8(value);
                C.LIB.signatur_case_answer_set(answer, field, b, size(b));
            }
        }
    }

    /** A message to classify. Immutable; may be classified from several threads. */
    public static final class Message extends Handle {
        private Message(Pointer p) { super(p, C.LIB::signatur_message_free); }

        /** Raw RFC 5322 / MIME bytes (any charset). */
        public static Message fromBytes(byte[] raw) {
            return new Message(make(C.LIB::signatur_message_from_bytes, raw));
        }

        /** Plain UTF-8 text. */
        public static Message fromText(byte[] utf8) {
            return new Message(make(C.LIB::signatur_message_from_text, utf8));
        }

        public static Message fromText(String text) {
            return fromText(utf8(text));
        }

        /** A Digital Post MeMo XML message. */
        public static Message fromMemo(byte[] xml) {
            return new Message(make(C.LIB::signatur_message_from_memo, xml));
        }
    }

    /** Builds a message from fields a host parsed itself (JavaMail, an ESDH). */
    public static final class MessageBuilder extends Handle {
        public MessageBuilder() { super(create(), C.LIB::signatur_message_builder_free); }

        private static Pointer create() {
            PointerByReference out = new PointerByReference();
            check(C.LIB.signatur_message_builder_new(out));
            return out.getValue();
        }

        public MessageBuilder subject(String s) {
            byte[] b = utf8(s);
            check(with(p -> C.LIB.signatur_message_builder_set_subject(p, b, size(b))));
            return this;
        }

        public MessageBuilder textBody(String s) {
            byte[] b = utf8(s);
            check(with(p -> C.LIB.signatur_message_builder_set_text_body(p, b, size(b))));
            return this;
        }

        public MessageBuilder sender(String address, String name) {
            byte[] a = utf8(address), n = utf8(name);
            check(with(p -> C.LIB.signatur_message_builder_set_sender(p, a, size(a), n, size(n))));
            return this;
        }

        public MessageBuilder to(String address) {
            byte[] a = utf8(address);
            check(with(p -> C.LIB.signatur_message_builder_add_to(p, a, size(a), null, new SizeT(0))));
            return this;
        }

        public Message build() {
            PointerByReference out = new PointerByReference();
            check(with(p -> C.LIB.signatur_message_builder_build(p, out)));
            return new Message(out.getValue());
        }
    }

    /** One head of a decision. */
    public static final class Head {
        public final String name;
        public final boolean abstains;
        /** What decided the head: a DECIDED_BY_* value. */
        public final int decidedBy;
        /** Labels, most probable first, with their probabilities. */
        public final Map<String, Float> labels;
        public final List<String> explanation;
        /**
         * For a kle head the model decided: per KLE_LEVEL_EMNE, _GRUPPE and _HOVEDGRUPPE the
         * ranked codes, each with the summed probability of its emner; empty otherwise.
         */
        public final Map<Integer, Map<String, Float>> levels;
        /** The fallback of a kle head that abstains, or null. */
        public final Fallback fallback;

        Head(String name, boolean abstains, int decidedBy, Map<String, Float> labels, List<String> explanation,
                Map<Integer, Map<String, Float>> levels, Fallback fallback) {
            this.name = name;
            this.abstains = abstains;
            this.decidedBy = decidedBy;
            this.labels = Collections.unmodifiableMap(labels);
            this.explanation = Collections.unmodifiableList(explanation);
            this.levels = Collections.unmodifiableMap(levels);
            this.fallback = fallback;
        }

        public String top() {
            return labels.keySet().iterator().next();
        }
    }

    /** A decision, copied out of the library. */
    public static final class Decision {
        public final List<Head> heads;
        /** Reference values masked for display (CPR numbers as XXXXXX-XXXX). */
        public final List<String> references;
        public final boolean sensitive;
        public final String json;

        private Decision(List<Head> heads, List<String> references, boolean sensitive, String json) {
            this.heads = Collections.unmodifiableList(heads);
            this.references = Collections.unmodifiableList(references);
            this.sensitive = sensitive;
            this.json = json;
        }

        static Decision copyAndFree(Pointer d) {
            try {
                List<Head> heads = new ArrayList<>();
                long n = C.LIB.signatur_decision_head_count(d).longValue();
                for (long h = 0; h < n; h++) {
                    SizeT head = new SizeT(h);
                    PointerByReference s = new PointerByReference();
                    SizeTByReference len = new SizeTByReference();
                    check(C.LIB.signatur_decision_head_name(d, head, s, len));
                    String name = text(s, len);
                    ByteByReference abstain = new ByteByReference();
                    FloatByReference f = new FloatByReference();
                    check(C.LIB.signatur_decision_abstain(d, head, abstain, f));
                    IntByReference by = new IntByReference();
                    check(C.LIB.signatur_decision_decided_by(d, head, by));
                    Map<String, Float> labels = new LinkedHashMap<>();
                    long m = C.LIB.signatur_decision_label_count(d, head).longValue();
                    for (long i = 0; i < m; i++) {
                        check(C.LIB.signatur_decision_label(d, head, new SizeT(i), s, len, f));
                        labels.put(text(s, len), f.getValue());
                    }
                    List<String> words = new ArrayList<>();
                    long k = C.LIB.signatur_decision_explanation_count(d, head).longValue();
                    for (long i = 0; i < k; i++) {
                        IntByReference field = new IntByReference();
                        check(C.LIB.signatur_decision_explanation(d, head, new SizeT(i), s, len, field, f));
                        words.add(text(s, len));
                    }
                    Map<Integer, Map<String, Float>> levels = new LinkedHashMap<>();
                    for (int level : new int[] {KLE_LEVEL_EMNE, KLE_LEVEL_GRUPPE, KLE_LEVEL_HOVEDGRUPPE}) {
                        long c = C.LIB.signatur_decision_level_label_count(d, head, level).longValue();
                        if (c == 0) {
                            continue;
                        }
                        Map<String, Float> ranked = new LinkedHashMap<>();
                        for (long i = 0; i < c; i++) {
                            check(C.LIB.signatur_decision_level_label(d, head, level, new SizeT(i), s, len, f));
                            ranked.put(text(s, len), f.getValue());
                        }
                        levels.put(level, Collections.unmodifiableMap(ranked));
                    }
                    IntByReference fallbackLevel = new IntByReference();
                    check(C.LIB.signatur_decision_fallback(d, head, fallbackLevel, s, len, f));
                    Fallback fallback = fallbackLevel.getValue() == KLE_LEVEL_NONE ? null
                            : new Fallback(fallbackLevel.getValue(), text(s, len), f.getValue());
                    heads.add(new Head(name, abstain.getValue() != 0, by.getValue(), labels, words, levels, fallback));
                }
                List<String> refs = new ArrayList<>();
                long r = C.LIB.signatur_decision_reference_count(d).longValue();
                for (long i = 0; i < r; i++) {
                    PointerByReference s = new PointerByReference();
                    SizeTByReference len = new SizeTByReference();
                    check(C.LIB.signatur_decision_reference_masked(d, new SizeT(i), s, len));
                    refs.add(text(s, len));
                }
                ByteByReference sensitive = new ByteByReference();
                IntByReference categories = new IntByReference();
                check(C.LIB.signatur_decision_sensitive(d, sensitive, categories));
                PointerByReference json = new PointerByReference();
                SizeTByReference jlen = new SizeTByReference();
                check(C.LIB.signatur_decision_json(d, json, jlen));
                return new Decision(heads, refs, sensitive.getValue() != 0, text(json, jlen));
            } finally {
                C.LIB.signatur_decision_free(d);
            }
        }
    }
}
