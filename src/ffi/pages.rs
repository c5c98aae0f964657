//! Backing the weight table that tract gathers from with huge pages (Linux).
//!
//! A message's features gather rows scattered over the whole table (21 MB for a 20-label
//! model at 2^18 buckets). With 4 KB pages nearly every row is also a TLB miss, a page
//! walk before the cache miss. tract allocates the table itself when it reads the model,
//! through the global allocator, so the runtime cannot ask for huge pages before the
//! pages are first touched, as [`crate::model`]'s online-learning tables do (`lanes.rs`).
//! It asks afterwards, for the whole huge pages inside the table, with
//! `madvise(MADV_COLLAPSE)`, which copies them into huge pages there and then. Neither
//! call changes a value of the table. Which tables are asked for is the runtime's choice
//! (`runtime::HUGE_PAGE_ROWS`: a low-rank model's wide rows gained nothing).
//!
//! `MADV_COLLAPSE` compacts memory synchronously when it must, whatever the system's
//! `defrag` setting says, so on a host with fragmented memory a load can pause longer than
//! the few milliseconds it takes here.
//!
//! This file imports nothing from the crate: `model` calls it, and `ffi` is otherwise the
//! layer above `model`. It is here because it holds `unsafe` (see the module
//! documentation of [`crate::ffi`]).

/// `MADV_COLLAPSE` (Linux 6.1; `include/uapi/asm-generic/mman-common.h`), defined here
/// because the libc crate has it for glibc targets only, and the value is the kernel's.
#[cfg(target_os = "linux")]
const MADV_COLLAPSE: libc::c_int = 25;

/// What [`back_with_huge_pages`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) enum HugePages {
    /// The whole huge pages inside the data are now huge pages (this many bytes).
    Collapsed(usize),
    /// The range of whole huge pages is marked for huge pages, but the kernel could not
    /// collapse it now (no free huge page, or a kernel before 6.1); the kernel's
    /// background collapsing (`khugepaged`) may still do it. Part of it may be collapsed.
    Marked,
    /// Not asked, or refused: not Linux, the administrator turned transparent huge pages
    /// off (`never`), the data holds no whole huge page, or the kernel refused to mark it.
    NotAsked,
}

/// Asks the kernel to back the whole huge pages inside `data` with huge pages, if the
/// system allows transparent huge pages. A hint: the data reads the same either way.
pub(crate) fn back_with_huge_pages(data: &[u8]) -> HugePages {
    #[cfg(target_os = "linux")]
    {
        let Some(huge) = huge_page_size() else {
            return HugePages::NotAsked;
        };
        let start = data.as_ptr() as usize;
        let (Some(from), Some(end)) = (
            start.checked_next_multiple_of(huge),
            start.checked_add(data.len()),
        ) else {
            return HugePages::NotAsked;
        };
        let to = end - end % huge;
        if to <= from {
            return HugePages::NotAsked;
        }
        let (addr, len) = (from as *mut libc::c_void, to - from);
        // SAFETY: `from..to` lies inside `data`, memory this process has mapped and that
        // stays mapped while it is borrowed here, and is aligned to the huge page size (a
        // multiple of the base page size), as madvise requires. `MADV_HUGEPAGE` only marks
        // the range as eligible for huge pages, and `MADV_COLLAPSE` replaces its pages by
        // huge ones holding the same bytes, under the kernel's page-table locks (as its
        // background collapsing does), so a thread reading `data` meanwhile reads the same
        // values. Neither writes to memory Rust can see, so the shared borrow is honoured.
        // A failure returns -1; the range may then stay marked and be split from the rest
        // of its mapping, which changes no value and no later `free` of the allocation.
        unsafe {
            if libc::madvise(addr, len, libc::MADV_HUGEPAGE) != 0 {
                return HugePages::NotAsked;
            }
            if libc::madvise(addr, len, MADV_COLLAPSE) == 0 {
                return HugePages::Collapsed(len);
            }
        }
        HugePages::Marked
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = data;
        HugePages::NotAsked
    }
}

/// The size of a transparent huge page (2 MB on x86-64; more on aarch64 with 16 or 64 KB
/// base pages), or `None` when the system's transparent huge pages are `never` (an
/// administrator's choice that `MADV_COLLAPSE` would ignore) or not there.
#[cfg(target_os = "linux")]
fn huge_page_size() -> Option<usize> {
    let dir = "/sys/kernel/mm/transparent_hugepage";
    let enabled = std::fs::read_to_string(format!("{dir}/enabled")).ok()?;
    if enabled.contains("[never]") {
        return None;
    }
    std::fs::read_to_string(format!("{dir}/hpage_pmd_size"))
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|n| n.is_power_of_two() && *n >= 4096)
        .or(Some(2 << 20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_without_a_whole_huge_page_is_left_alone() {
        assert_eq!(back_with_huge_pages(&[]), HugePages::NotAsked);
        assert_eq!(back_with_huge_pages(&[1u8; 4096]), HugePages::NotAsked);
    }

    /// A table as tract holds one: several huge pages, written before they are asked for,
    /// in 4 KB pages (a mapping advised against huge pages, so that a system set to
    /// `always` does not make them huge on its own). Where the system allows transparent
    /// huge pages, the range is marked (`hg` in the page map) and, unless no huge page was
    /// free, collapsed; the bytes stay the same.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_large_table_is_backed_by_huge_pages_and_keeps_its_values() {
        let Some(huge) = huge_page_size() else {
            let table = vec![7u8; 12 << 21];
            assert_eq!(back_with_huge_pages(&table), HugePages::NotAsked);
            return;
        };
        let mut map = memmap2::MmapMut::map_anon(6 * huge).unwrap();
        map.advise(memmap2::Advice::NoHugePage).unwrap();
        for (i, b) in map.iter_mut().enumerate() {
            *b = (i % 251) as u8;
        }
        // Not from the mapping's start, as a table inside a larger allocation.
        let table = &map[4096..];
        let first = (table.as_ptr() as usize).next_multiple_of(huge);
        assert_eq!(huge_bytes_at(first), 0, "huge pages before asking");
        let result = back_with_huge_pages(table);
        assert!(map.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
        match result {
            HugePages::Collapsed(len) => {
                assert_eq!(len, 5 * huge);
                assert!(
                    huge_bytes_at(first) >= len,
                    "fewer huge pages than {len} bytes"
                );
            }
            // No huge page free just then: at least the range is marked for them.
            HugePages::Marked => assert!(vm_flags_at(first).contains(&"hg".to_string())),
            HugePages::NotAsked => panic!("transparent huge pages are allowed, but not asked"),
        }
    }

    /// The lines of `/proc/self/smaps` for the mapping that holds `addr`.
    #[cfg(target_os = "linux")]
    fn smaps_at(addr: usize) -> Vec<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
        let mut inside = false;
        let mut out = Vec::new();
        for line in smaps.lines() {
            // A mapping's first line starts with its range, `start-end`, in hex; the lines
            // after it start with a key (`AnonHugePages:`), which has no `-`.
            let range = line
                .split_whitespace()
                .next()
                .and_then(|r| r.split_once('-'));
            if let Some((a, b)) = range {
                let hex = |s: &str| usize::from_str_radix(s, 16).unwrap_or(0);
                inside = (hex(a)..hex(b)).contains(&addr);
            } else if inside {
                out.push(line.to_string());
            }
        }
        out
    }

    /// The `AnonHugePages` of the mapping that holds `addr`, in bytes.
    #[cfg(target_os = "linux")]
    fn huge_bytes_at(addr: usize) -> usize {
        smaps_at(addr)
            .iter()
            .filter_map(|l| l.strip_prefix("AnonHugePages:"))
            .filter_map(|kb| {
                kb.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<usize>()
                    .ok()
            })
            .sum::<usize>()
            * 1024
    }

    /// The `VmFlags` of the mapping that holds `addr`.
    #[cfg(target_os = "linux")]
    fn vm_flags_at(addr: usize) -> Vec<String> {
        smaps_at(addr)
            .iter()
            .filter_map(|l| l.strip_prefix("VmFlags:"))
            .flat_map(|f| f.split_whitespace().map(str::to_string))
            .collect()
    }
}
