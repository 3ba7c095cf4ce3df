//! A cheap proof that packed objects still read, for a build that skips itself: each pack
//! entry is checked against the CRC-32 its index keeps (git's own check when it copies an
//! entry), with the entries its delta chain needs, without inflating anything. Any change to
//! the bytes of an entry, its header or its bases fails the check, so a damaged pack fails
//! a skipped build where reading the revisions (and `check`) fails.

use std::collections::HashSet;
use std::path::Path;

use gix::ObjectId;
use gix::odb::pack::{Bundle, data::entry::Header, index};

/// The version 2 packs of an object store, each with its entries sorted by offset.
pub struct Packs {
    packs: Vec<Pack>,
}

struct Pack {
    bundle: Bundle,
    /// `(offset, crc)` of every entry, by offset: an entry ends where the next one starts.
    entries: Vec<(u64, u32)>,
}

/// What the packs say of one object.
#[derive(Debug, PartialEq, Eq)]
pub enum Packed {
    /// In a pack, and its entry and those of its delta bases match their CRC-32.
    Intact,
    Damaged,
    /// In none of these packs (a loose object, one of another store, or of a version 1
    /// index, which keeps no CRC): only reading it tells.
    Elsewhere,
}

impl Packs {
    /// The packs in `objects/pack`; one that cannot be opened is left out (its objects are
    /// then [`Packed::Elsewhere`], and read in full).
    pub fn open(objects: &Path, hash: gix::hash::Kind) -> Packs {
        let Ok(dir) = std::fs::read_dir(objects.join("pack")) else { return Packs { packs: Vec::new() } };
        let mut paths: Vec<_> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "idx"))
            .collect();
        paths.sort();
        let packs = paths
            .iter()
            .filter_map(|path| Bundle::at(path, hash).ok())
            .filter(|bundle| bundle.index.version() != index::Version::V1)
            .map(|bundle| {
                let mut entries: Vec<(u64, u32)> =
                    bundle.index.iter().map(|e| (e.pack_offset, e.crc32.unwrap_or_default())).collect();
                entries.sort_unstable();
                Pack { bundle, entries }
            })
            .collect();
        Packs { packs }
    }

    /// Checks object `id` and its delta bases; `checked` holds the entries found intact
    /// so far (pack and offset), so shared bases are checked once.
    pub fn check(&self, id: &gix::oid, checked: &mut HashSet<(usize, u64)>) -> Packed {
        let Some((pack, offset)) = self.find(id) else { return Packed::Elsewhere };
        let mut next = Some((pack, offset));
        while let Some((pack, offset)) = next.take() {
            if checked.contains(&(pack, offset)) {
                break;
            }
            match self.packs[pack].base_of(offset) {
                Err(()) => return Packed::Damaged,
                Ok(Base::None) => {}
                Ok(Base::At(base)) => next = Some((pack, base)),
                Ok(Base::Id(base)) => match self.find(&base) {
                    Some(found) => next = Some(found),
                    // A thin base from elsewhere: it reads or the build will say so.
                    None => return Packed::Elsewhere,
                },
            }
            checked.insert((pack, offset));
        }
        Packed::Intact
    }

    fn find(&self, id: &gix::oid) -> Option<(usize, u64)> {
        self.packs
            .iter()
            .enumerate()
            .find_map(|(n, pack)| pack.bundle.index.lookup(id).map(|i| (n, pack.bundle.index.pack_offset_at_index(i))))
    }
}

/// Where the base of a delta entry is.
enum Base {
    None,
    At(u64),
    Id(ObjectId),
}

impl Pack {
    /// The entry at `offset` when its bytes match its CRC-32: the base it needs, if any.
    fn base_of(&self, offset: u64) -> Result<Base, ()> {
        let at = self.entries.binary_search_by_key(&offset, |(o, _)| *o).map_err(|_| ())?;
        let end = self.entries.get(at + 1).map_or(self.bundle.pack.pack_end() as u64, |(o, _)| *o);
        let bytes = self.bundle.pack.entry_slice(offset..end).ok_or(())?;
        if crc32fast::hash(bytes) != self.entries[at].1 {
            return Err(());
        }
        let entry = self.bundle.pack.entry(offset).map_err(|_| ())?;
        Ok(match entry.header {
            Header::OfsDelta { base_distance } => Base::At(offset.checked_sub(base_distance).ok_or(())?),
            Header::RefDelta { base_id } => Base::Id(base_id),
            _ => Base::None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn a_damaged_delta_base_damages_the_objects_built_on_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "--quiet"]);
        let text: String = (0..400).map(|n| format!("line {n} of a record that changes little\n")).collect();
        for version in ["one", "two"] {
            std::fs::write(root.join("r.md"), format!("{text}{version}\n")).unwrap();
            git(root, &["add", "r.md"]);
            git(root, &["commit", "--quiet", "-m", version]);
        }
        git(root, &["gc", "--quiet"]);
        let objects = root.join(".git/objects");
        let packs = Packs::open(&objects, gix::hash::Kind::Sha1);
        // `git verify-pack -v`: `<id> <type> <size> <size in pack> <offset> [<depth> <base id>]`.
        let index = std::fs::read_dir(objects.join("pack"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "idx"))
            .unwrap();
        let listing = git(root, &["verify-pack", "-v", index.to_str().unwrap()]);
        let delta = listing.lines().map(|l| l.split_whitespace().collect::<Vec<_>>()).find(|f| f.len() == 7).unwrap();
        let (id, base) = (ObjectId::from_hex(delta[0].as_bytes()).unwrap(), delta[6]);
        assert_eq!(packs.check(&id, &mut HashSet::new()), Packed::Intact);
        let loose = git(root, &["hash-object", "-w", "--stdin"]);
        let loose = ObjectId::from_hex(loose.trim().as_bytes()).unwrap();
        assert_eq!(packs.check(&loose, &mut HashSet::new()), Packed::Elsewhere);
        // Damage the base's entry: the delta's own bytes are intact, it is damaged all the same.
        let base = listing.lines().find(|l| l.starts_with(base)).unwrap();
        let fields: Vec<usize> = base.split_whitespace().skip(3).take(2).map(|n| n.parse().unwrap()).collect();
        let pack = index.with_extension("pack");
        let mut bytes = std::fs::read(&pack).unwrap();
        bytes[fields[1] + fields[0] / 2] ^= 0x20;
        std::fs::write(&pack, bytes).unwrap();
        let packs = Packs::open(&objects, gix::hash::Kind::Sha1);
        assert_eq!(packs.check(&id, &mut HashSet::new()), Packed::Damaged);
    }
}
