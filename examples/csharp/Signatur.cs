// A .NET binding of libsignatur's C API over P/Invoke.
//
// Handles are SafeHandles, so a model or message that is never disposed is still freed by the
// finalizer; every wrapper is IDisposable for deterministic release. A failing call throws a
// SignaturException carrying the status and the library's own message. Text goes in as
// string (encoded to UTF-8 here) or as ReadOnlySpan<byte> already in UTF-8.
//
// Build with Mono:  mcs -unsafe -target:library -out:Signatur.dll Signatur.cs
// libsignatur.so must be on the loader's path (LD_LIBRARY_PATH, or next to the program).
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace Signatur
{
    /// <summary>The status codes of signatur.h (signatur_status).</summary>
    public enum Status : uint
    {
        Ok = 0,
        NullArgument = 1,
        InvalidUtf8 = 2,
        BufferTooSmall = 3,
        OutOfRange = 4,
        Io = 5,
        Parse = 6,
        InvalidInput = 7,
        TooLarge = 8,
        InvalidModel = 9,
        UnsupportedModelVersion = 10,
        Training = 11,
        Inference = 12,
        Config = 13,
        Panic = 14,
        Other = 15,
    }

    /// <summary>A failed libsignatur call: the status and the library's detailed message.</summary>
    public sealed class SignaturException : Exception
    {
        public Status Status { get; }

        public SignaturException(Status status, string message) : base(message)
        {
            Status = status;
        }
    }

    /// <summary>What decided a head (signatur_decided_by).</summary>
    /// <summary>A level of the KLE plan (signatur_kle_level).</summary>
    public enum KleLevel : uint
    {
        None = 0,
        Emne = 1,
        Gruppe = 2,
        Hovedgruppe = 3,
    }

    public enum DecidedBy : uint
    {
        Model = 0,
        Rule = 1,
        Message = 2,
        CaseNumber = 3,
        Directory = 4,
        Thread = 5,
        Other = 255,
    }

    /// <summary>What a case lookup asks about (signatur_case_query).</summary>
    public enum CaseQuery : uint
    {
        /// <summary>A case reference the message cites, or a MeMo message's case id.</summary>
        Reference = 0,
        /// <summary>The Message-ID (without angle brackets) of a message of the thread.</summary>
        MessageId = 1,
    }

    /// <summary>What the host's case directory answers to one lookup.</summary>
    public sealed class CaseLookup
    {
        internal uint Result { get; private set; }
        internal string Reference, Unit, Kle, Facet, Title, Reason;

        private CaseLookup(uint result) { Result = result; }

        /// <summary>A known case: any of unit, KLE emne and facet may be null, not all.</summary>
        public static CaseLookup Found(string reference, string unit, string kle, string facet, string title = null)
            => new CaseLookup(1) { Reference = reference, Unit = unit, Kle = kle, Facet = facet, Title = title };

        /// <summary>The directory does not know it.</summary>
        public static CaseLookup Unknown() => new CaseLookup(2);

        /// <summary>The directory could not look it up (the reason is shown in the decision:
        /// no personal data).</summary>
        public static CaseLookup Failed(string reason) => new CaseLookup(3) { Reason = reason };

        /// <summary>The directory did not answer in time.</summary>
        public static CaseLookup Timeout(string reason = null) => new CaseLookup(4) { Reason = reason };
    }

    /// <summary>
    /// The host's case directory: `lookup` answers a case reference or a Message-ID. A known
    /// case decides the unit, kle and facet heads; an unknown one, a failure, an exception or
    /// an unusable answer leaves them to the model, with the reason in the decision.
    /// `lookup` is called on the classifying thread, from several threads at once when they
    /// share the directory: it must be thread-safe.
    /// </summary>
    public sealed class CaseDirectory : IDisposable
    {
        internal readonly DirectoryHandle Handle;
        // The native directory calls this delegate: it lives as long as this object.
        private readonly Native.LookupCallback callback;
        private readonly Func<CaseQuery, string, CaseLookup> lookup;

        /// <summary>`timeoutMs` bounds all lookups for one message together (0: 1000 ms).</summary>
        public unsafe CaseDirectory(Func<CaseQuery, string, CaseLookup> lookup, uint timeoutMs = 0)
        {
            this.lookup = lookup ?? throw new ArgumentNullException(nameof(lookup));
            callback = Call;
            IntPtr p;
            Native.Check(Native.signatur_case_directory_new(callback, IntPtr.Zero, timeoutMs, out p));
            Handle = new DirectoryHandle(p);
        }

        private unsafe uint Call(IntPtr userdata, uint query, byte* key, UIntPtr keyLen, IntPtr answer)
        {
            try
            {
                string k = Encoding.UTF8.GetString(key, checked((int)keyLen.ToUInt64()));
                CaseLookup a = lookup((CaseQuery)query, k) ?? CaseLookup.Failed("the directory answered null");
                // A field the library refuses (too long, ...) is remembered by the answer and
                // makes a Found count as failed: the statuses need no check here.
                Set(answer, 0, a.Reference);
                Set(answer, 1, a.Unit);
                Set(answer, 2, a.Kle);
                Set(answer, 3, a.Facet);
                Set(answer, 4, a.Title);
                Set(answer, 5, a.Reason);
                return a.Result;
            }
            catch (Exception e)
            {
                // No exception may unwind into the library. Its message may hold personal
                // data: only its type is reported.
                Set(answer, 5, "the directory threw " + e.GetType().Name);
                return 3;
            }
        }

        private static unsafe void Set(IntPtr answer, uint field, string value)
        {
            if (value == null)
            {
                return;
            }
            byte[] v = Native.Utf8(value);
            fixed (byte* b = v)
            {
                Native.signatur_case_answer_set(answer, field, b, (UIntPtr)v.Length);
            }
        }

        public void Dispose() => Handle.Dispose();
    }

    internal sealed class ModelHandle : SafeHandle
    {
        internal ModelHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid => handle == IntPtr.Zero;
        protected override bool ReleaseHandle() { Native.signatur_model_free(handle); return true; }
    }

    internal sealed class MessageHandle : SafeHandle
    {
        internal MessageHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid => handle == IntPtr.Zero;
        protected override bool ReleaseHandle() { Native.signatur_message_free(handle); return true; }
    }

    internal sealed class BuilderHandle : SafeHandle
    {
        internal BuilderHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid => handle == IntPtr.Zero;
        protected override bool ReleaseHandle() { Native.signatur_message_builder_free(handle); return true; }
    }

    internal sealed class DecisionHandle : SafeHandle
    {
        internal DecisionHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid => handle == IntPtr.Zero;
        protected override bool ReleaseHandle() { Native.signatur_decision_free(handle); return true; }
    }

    internal sealed class DirectoryHandle : SafeHandle
    {
        internal DirectoryHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid => handle == IntPtr.Zero;
        protected override bool ReleaseHandle() { Native.signatur_case_directory_free(handle); return true; }
    }

    internal sealed class OptionsHandle : SafeHandle
    {
        internal OptionsHandle(IntPtr p) : base(IntPtr.Zero, true) { SetHandle(p); }
        public override bool IsInvalid => handle == IntPtr.Zero;
        protected override bool ReleaseHandle() { Native.signatur_classify_options_free(handle); return true; }
    }

    /// <summary>The C functions. size_t is UIntPtr; no bool crosses the boundary.</summary>
    internal static unsafe class Native
    {
        private const string Lib = "signatur";

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern IntPtr signatur_version();
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern IntPtr signatur_status_str(uint status);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_last_error(byte* buf, UIntPtr len, out UIntPtr outLen);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_model_load(byte* path, UIntPtr len, out IntPtr model);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_model_from_bytes(byte* data, UIntPtr len, out IntPtr model);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern void signatur_model_free(IntPtr model);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr signatur_model_head_count(ModelHandle model);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_model_head_name(ModelHandle model, UIntPtr head, out IntPtr name, out UIntPtr len);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr signatur_model_label_count(ModelHandle model, UIntPtr head);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_model_label_name(ModelHandle model, UIntPtr head, UIntPtr label, out IntPtr name, out UIntPtr len);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_model_classify(ModelHandle model, MessageHandle message, out IntPtr decision);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_model_classify_with(ModelHandle model, MessageHandle message, OptionsHandle options, out IntPtr decision);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_classify_options_new(out IntPtr options);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_classify_options_set_top_k(OptionsHandle options, uint topK);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_classify_options_set_explain(OptionsHandle options, uint words);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_classify_options_set_threshold(OptionsHandle options, byte* head, UIntPtr len, float threshold);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern void signatur_classify_options_free(IntPtr options);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_classify_options_set_case_directory(OptionsHandle options, DirectoryHandle directory);

        /// <summary>signatur_case_lookup_callback.</summary>
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate uint LookupCallback(IntPtr userdata, uint query, byte* key, UIntPtr keyLen, IntPtr answer);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_case_directory_new(LookupCallback callback, IntPtr userdata, uint timeoutMs, out IntPtr directory);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern void signatur_case_directory_free(IntPtr directory);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_case_answer_set(IntPtr answer, uint field, byte* utf8, UIntPtr len);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_from_bytes(byte* raw, UIntPtr len, out IntPtr message);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_from_text(byte* utf8, UIntPtr len, out IntPtr message);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_from_memo(byte* xml, UIntPtr len, out IntPtr message);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern void signatur_message_free(IntPtr message);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_builder_new(out IntPtr builder);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_builder_set_subject(BuilderHandle b, byte* utf8, UIntPtr len);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_builder_set_text_body(BuilderHandle b, byte* utf8, UIntPtr len);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_builder_set_html_body(BuilderHandle b, byte* utf8, UIntPtr len);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_builder_set_date(BuilderHandle b, byte* utf8, UIntPtr len);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_builder_set_sender(BuilderHandle b, byte* address, UIntPtr addressLen, byte* name, UIntPtr nameLen);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_builder_add_to(BuilderHandle b, byte* address, UIntPtr addressLen, byte* name, UIntPtr nameLen);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_message_builder_build(BuilderHandle b, out IntPtr message);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern void signatur_message_builder_free(IntPtr builder);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr signatur_decision_head_count(DecisionHandle d);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_head_name(DecisionHandle d, UIntPtr head, out IntPtr name, out UIntPtr len);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr signatur_decision_label_count(DecisionHandle d, UIntPtr head);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_label(DecisionHandle d, UIntPtr head, UIntPtr index, out IntPtr label, out UIntPtr len, out float probability);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr signatur_decision_level_label_count(DecisionHandle d, UIntPtr head, uint level);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_level_label(DecisionHandle d, UIntPtr head, uint level, UIntPtr index, out IntPtr code, out UIntPtr len, out float probability);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_fallback(DecisionHandle d, UIntPtr head, out KleLevel level, out IntPtr code, out UIntPtr len, out float probability);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_decided_by(DecisionHandle d, UIntPtr head, out DecidedBy by);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_abstain(DecisionHandle d, UIntPtr head, out byte abstain, out float threshold);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr signatur_decision_explanation_count(DecisionHandle d, UIntPtr head);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_explanation(DecisionHandle d, UIntPtr head, UIntPtr index, out IntPtr text, out UIntPtr len, out uint field, out float weight);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern UIntPtr signatur_decision_reference_count(DecisionHandle d);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_reference(DecisionHandle d, UIntPtr index, out uint kind, out float confidence, out uint checksum);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_reference_masked(DecisionHandle d, UIntPtr index, out IntPtr text, out UIntPtr len);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_sensitive(DecisionHandle d, out byte sensitive, out uint categories);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern Status signatur_decision_json(DecisionHandle d, out IntPtr json, out UIntPtr len);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern void signatur_decision_free(IntPtr decision);

        /// <summary>A function that makes a handle from bytes (signatur_model_load, …).</summary>
        internal delegate Status Maker(byte* data, UIntPtr len, out IntPtr handle);

        /// <summary>Calls `make` on the bytes of `data`; the new handle, or an exception.</summary>
        internal static IntPtr Make(Maker make, ReadOnlySpan<byte> data)
        {
            IntPtr p;
            fixed (byte* b = &MemoryMarshal.GetReference(data))
            {
                Check(make(b, (UIntPtr)data.Length, out p));
            }
            return p;
        }

        /// <summary>Throws for any status but Ok, with this thread's last error message.</summary>
        internal static void Check(Status status)
        {
            if (status != Status.Ok)
            {
                throw new SignaturException(status, LastError(status));
            }
        }

        /// <summary>The detailed message of the last failure on this thread.</summary>
        internal static string LastError(Status status)
        {
            // Ask for the length first (NULL, 0), then copy into a buffer one byte longer.
            UIntPtr needed;
            if (signatur_last_error(null, UIntPtr.Zero, out needed) == Status.BufferTooSmall)
            {
                var buf = new byte[checked((int)needed.ToUInt64() + 1)];
                fixed (byte* p = buf)
                {
                    UIntPtr len;
                    if (signatur_last_error(p, (UIntPtr)buf.Length, out len) == Status.Ok)
                    {
                        return Encoding.UTF8.GetString(buf, 0, (int)len.ToUInt64());
                    }
                }
            }
            return Marshal.PtrToStringAnsi(signatur_status_str((uint)status));
        }

        /// <summary>A borrowed UTF-8 text (pointer and length) as a string.</summary>
        internal static string Text(IntPtr p, UIntPtr len)
        {
            return Encoding.UTF8.GetString((byte*)p, checked((int)len.ToUInt64()));
        }

        internal static byte[] Utf8(string s)
        {
            return Encoding.UTF8.GetBytes(s ?? "");
        }
    }

    /// <summary>A loaded model. Thread-safe: share one instance between all threads.</summary>
    public sealed class Model : IDisposable
    {
        internal readonly ModelHandle Handle;

        private Model(IntPtr p) { Handle = new ModelHandle(p); }

        public static string LibraryVersion => Marshal.PtrToStringAnsi(Native.signatur_version());

        public static unsafe Model Load(ReadOnlySpan<byte> utf8Path) => new Model(Native.Make(Native.signatur_model_load, utf8Path));

        public static Model Load(string path) => Load(Native.Utf8(path));

        public static unsafe Model FromBytes(ReadOnlySpan<byte> modelFile) => new Model(Native.Make(Native.signatur_model_from_bytes, modelFile));

        /// <summary>The heads and, for each, its labels.</summary>
        public IReadOnlyDictionary<string, IReadOnlyList<string>> Heads
        {
            get
            {
                var heads = new Dictionary<string, IReadOnlyList<string>>();
                ulong n = Native.signatur_model_head_count(Handle).ToUInt64();
                for (ulong h = 0; h < n; h++)
                {
                    IntPtr name; UIntPtr len;
                    Native.Check(Native.signatur_model_head_name(Handle, (UIntPtr)h, out name, out len));
                    var labels = new List<string>();
                    ulong m = Native.signatur_model_label_count(Handle, (UIntPtr)h).ToUInt64();
                    for (ulong l = 0; l < m; l++)
                    {
                        IntPtr label; UIntPtr llen;
                        Native.Check(Native.signatur_model_label_name(Handle, (UIntPtr)h, (UIntPtr)l, out label, out llen));
                        labels.Add(Native.Text(label, llen));
                    }
                    heads[Native.Text(name, len)] = labels;
                }
                return heads;
            }
        }

        public Decision Classify(Message message)
        {
            IntPtr d;
            Native.Check(Native.signatur_model_classify(Handle, message.Handle, out d));
            using (var handle = new DecisionHandle(d))
            {
                return new Decision(handle);
            }
        }

        public Decision Classify(Message message, int topK, int explain, IDictionary<string, float> thresholds = null)
            => Classify(message, null, topK, explain, thresholds);

        /// <summary>Classifies with the host's case directory asked first (after the
        /// message's own data) for the cases the message cites and the thread it continues.</summary>
        public Decision Classify(Message message, CaseDirectory directory)
            => Classify(message, directory, 3, 5, null);

        private unsafe Decision Classify(Message message, CaseDirectory directory, int topK, int explain, IDictionary<string, float> thresholds)
        {
            IntPtr o;
            Native.Check(Native.signatur_classify_options_new(out o));
            using (var options = new OptionsHandle(o))
            {
                if (directory != null)
                {
                    Native.Check(Native.signatur_classify_options_set_case_directory(options, directory.Handle));
                }
                Native.Check(Native.signatur_classify_options_set_top_k(options, checked((uint)topK)));
                Native.Check(Native.signatur_classify_options_set_explain(options, checked((uint)explain)));
                foreach (var t in thresholds ?? new Dictionary<string, float>())
                {
                    byte[] head = Native.Utf8(t.Key);
                    fixed (byte* h = head)
                    {
                        Native.Check(Native.signatur_classify_options_set_threshold(options, h, (UIntPtr)head.Length, t.Value));
                    }
                }
                IntPtr d;
                Native.Check(Native.signatur_model_classify_with(Handle, message.Handle, options, out d));
                // The options hold the native directory, whose callback is the directory's
                // delegate: it must outlive the call.
                GC.KeepAlive(directory);
                using (var handle = new DecisionHandle(d))
                {
                    return new Decision(handle);
                }
            }
        }

        public void Dispose() => Handle.Dispose();
    }

    /// <summary>A message to classify. Immutable; may be classified from several threads.</summary>
    public sealed class Message : IDisposable
    {
        internal readonly MessageHandle Handle;

        internal Message(IntPtr p) { Handle = new MessageHandle(p); }

        /// <summary>Raw RFC 5322 / MIME bytes (any charset).</summary>
        public static unsafe Message FromBytes(ReadOnlySpan<byte> raw) => new Message(Native.Make(Native.signatur_message_from_bytes, raw));

        /// <summary>Plain UTF-8 text (a web form, a scanned letter).</summary>
        public static unsafe Message FromText(ReadOnlySpan<byte> utf8) => new Message(Native.Make(Native.signatur_message_from_text, utf8));

        public static Message FromText(string text) => FromText(Native.Utf8(text));

        /// <summary>A Digital Post MeMo XML message.</summary>
        public static unsafe Message FromMemo(ReadOnlySpan<byte> xml) => new Message(Native.Make(Native.signatur_message_from_memo, xml));

        public void Dispose() => Handle.Dispose();
    }

    /// <summary>Builds a message from fields a host parsed itself (MimeKit, an ESDH).</summary>
    public sealed class MessageBuilder : IDisposable
    {
        private readonly BuilderHandle handle;

        private unsafe delegate Status TextSetter(BuilderHandle b, byte* utf8, UIntPtr len);

        private unsafe delegate Status AddressSetter(BuilderHandle b, byte* address, UIntPtr addressLen, byte* name, UIntPtr nameLen);

        public MessageBuilder()
        {
            IntPtr p;
            Native.Check(Native.signatur_message_builder_new(out p));
            handle = new BuilderHandle(p);
        }

        private unsafe MessageBuilder Set(TextSetter setter, string value)
        {
            byte[] v = Native.Utf8(value);
            fixed (byte* b = v)
            {
                Native.Check(setter(handle, b, (UIntPtr)v.Length));
            }
            return this;
        }

        private unsafe MessageBuilder Address(AddressSetter setter, string address, string name)
        {
            byte[] a = Native.Utf8(address), n = Native.Utf8(name);
            fixed (byte* pa = a)
            fixed (byte* pn = n)
            {
                Native.Check(setter(handle, pa, (UIntPtr)a.Length, pn, (UIntPtr)n.Length));
            }
            return this;
        }

        public unsafe MessageBuilder Subject(string s) => Set(Native.signatur_message_builder_set_subject, s);
        public unsafe MessageBuilder TextBody(string s) => Set(Native.signatur_message_builder_set_text_body, s);
        public unsafe MessageBuilder HtmlBody(string s) => Set(Native.signatur_message_builder_set_html_body, s);
        public unsafe MessageBuilder Date(DateTimeOffset d) => Set(Native.signatur_message_builder_set_date, d.ToString("o"));
        public unsafe MessageBuilder Sender(string address, string name = null) => Address(Native.signatur_message_builder_set_sender, address, name);
        public unsafe MessageBuilder To(string address, string name = null) => Address(Native.signatur_message_builder_add_to, address, name);

        public Message Build()
        {
            IntPtr p;
            Native.Check(Native.signatur_message_builder_build(handle, out p));
            return new Message(p);
        }

        public void Dispose() => handle.Dispose();
    }

    public sealed class Label
    {
        public string Name { get; internal set; }
        public float Probability { get; internal set; }
    }

    /// <summary>For a kle head that abstains on the emne: the gruppe or hovedgruppe whose
    /// emner together reach the threshold.</summary>
    public sealed class Fallback
    {
        public KleLevel Level { get; internal set; }
        public string Code { get; internal set; }
        public float Probability { get; internal set; }
    }

    public sealed class Evidence
    {
        public string Text { get; internal set; }
        public uint Field { get; internal set; }
        public float Weight { get; internal set; }
    }

    public sealed class Head
    {
        public string Name { get; internal set; }
        public bool Abstains { get; internal set; }
        public float Threshold { get; internal set; }
        /// <summary>What decided the head: the model, a rule, the message's own data, a cited
        /// case number, the host's case directory, or the mail thread.</summary>
        public DecidedBy DecidedBy { get; internal set; }
        public IReadOnlyList<Label> Labels { get; internal set; }
        public IReadOnlyList<Evidence> Explanation { get; internal set; }
        /// <summary>For a kle head the model decided: the ranked emner, grupper and
        /// hovedgrupper, each code with the summed probability of its emner. Empty
        /// otherwise.</summary>
        public IReadOnlyDictionary<KleLevel, IReadOnlyList<Label>> Levels { get; internal set; }
        /// <summary>The fallback of a kle head that abstains, or null.</summary>
        public Fallback Fallback { get; internal set; }
    }

    public sealed class Reference
    {
        /// <summary>A SIGNATUR_REF_KIND_* value.</summary>
        public uint Kind { get; internal set; }
        /// <summary>The value masked for display (CPR numbers as XXXXXX-XXXX).</summary>
        public string Masked { get; internal set; }
        public float Confidence { get; internal set; }
    }

    /// <summary>A decision, copied out of the library: no native resources to release.</summary>
    public sealed class Decision
    {
        public IReadOnlyList<Head> Heads { get; }
        public IReadOnlyList<Reference> References { get; }
        public bool Sensitive { get; }
        public string Json { get; }

        internal Decision(DecisionHandle d)
        {
            var heads = new List<Head>();
            ulong n = Native.signatur_decision_head_count(d).ToUInt64();
            for (ulong h = 0; h < n; h++)
            {
                var head = (UIntPtr)h;
                IntPtr name; UIntPtr len; byte abstain; float threshold;
                Native.Check(Native.signatur_decision_head_name(d, head, out name, out len));
                Native.Check(Native.signatur_decision_abstain(d, head, out abstain, out threshold));
                DecidedBy by;
                Native.Check(Native.signatur_decision_decided_by(d, head, out by));
                var labels = new List<Label>();
                ulong m = Native.signatur_decision_label_count(d, head).ToUInt64();
                for (ulong i = 0; i < m; i++)
                {
                    IntPtr label; UIntPtr llen; float p;
                    Native.Check(Native.signatur_decision_label(d, head, (UIntPtr)i, out label, out llen, out p));
                    labels.Add(new Label { Name = Native.Text(label, llen), Probability = p });
                }
                var evidence = new List<Evidence>();
                ulong k = Native.signatur_decision_explanation_count(d, head).ToUInt64();
                for (ulong i = 0; i < k; i++)
                {
                    IntPtr text; UIntPtr tlen; uint field; float weight;
                    Native.Check(Native.signatur_decision_explanation(d, head, (UIntPtr)i, out text, out tlen, out field, out weight));
                    evidence.Add(new Evidence { Text = Native.Text(text, tlen), Field = field, Weight = weight });
                }
                var levels = new Dictionary<KleLevel, IReadOnlyList<Label>>();
                foreach (var level in new[] { KleLevel.Emne, KleLevel.Gruppe, KleLevel.Hovedgruppe })
                {
                    ulong c = Native.signatur_decision_level_label_count(d, head, (uint)level).ToUInt64();
                    if (c == 0)
                    {
                        continue;
                    }
                    var ranked = new List<Label>();
                    for (ulong i = 0; i < c; i++)
                    {
                        IntPtr code; UIntPtr clen; float p;
                        Native.Check(Native.signatur_decision_level_label(d, head, (uint)level, (UIntPtr)i, out code, out clen, out p));
                        ranked.Add(new Label { Name = Native.Text(code, clen), Probability = p });
                    }
                    levels[level] = ranked;
                }
                KleLevel fallbackLevel; IntPtr fallbackCode; UIntPtr fallbackLen; float fallbackP;
                Native.Check(Native.signatur_decision_fallback(d, head, out fallbackLevel, out fallbackCode, out fallbackLen, out fallbackP));
                heads.Add(new Head
                {
                    Name = Native.Text(name, len), Abstains = abstain != 0, Threshold = threshold, DecidedBy = by,
                    Labels = labels, Explanation = evidence, Levels = levels,
                    Fallback = fallbackLevel == KleLevel.None ? null : new Fallback
                    {
                        Level = fallbackLevel, Code = Native.Text(fallbackCode, fallbackLen), Probability = fallbackP,
                    },
                });
            }
            Heads = heads;
            var refs = new List<Reference>();
            ulong r = Native.signatur_decision_reference_count(d).ToUInt64();
            for (ulong i = 0; i < r; i++)
            {
                uint kind, checksum; float confidence; IntPtr masked; UIntPtr mlen;
                Native.Check(Native.signatur_decision_reference(d, (UIntPtr)i, out kind, out confidence, out checksum));
                Native.Check(Native.signatur_decision_reference_masked(d, (UIntPtr)i, out masked, out mlen));
                refs.Add(new Reference { Kind = kind, Masked = Native.Text(masked, mlen), Confidence = confidence });
            }
            References = refs;
            byte sensitive; uint categories;
            Native.Check(Native.signatur_decision_sensitive(d, out sensitive, out categories));
            Sensitive = sensitive != 0;
            IntPtr json; UIntPtr jlen;
            Native.Check(Native.signatur_decision_json(d, out json, out jlen));
            Json = Native.Text(json, jlen);
        }
    }
}
