//! The compound-file check (复合文档结构检查): an old `.xls` workbook is a little file system of
//! sectors chained through a table. A damaged or hostile file can chain a sector back to itself,
//! or claim a stream larger than the file; the workbook reader would follow such a chain until
//! the machine runs out of memory (found by the fuzz target). This walks every chain the reader
//! will walk, on the bytes alone, and refuses the file when one loops, leaves the file or claims
//! more than the file holds — before the reader sees it. It reads the workbook stream too, to
//! refuse a sheet that declares a used range of billions of cells.

/// Why a compound file cannot be read safely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Shorter than its header, or not a compound file at all.
    NoHeader,
    /// A sector size other than 512 or 4096 bytes.
    SectorSize,
    /// A chain names a sector past the end of the file.
    OutOfFile,
    /// A chain comes back to a sector it has passed: it would never end.
    Loops,
    /// A stream or table claims more bytes than the file holds.
    TooLong,
    /// A sheet declares more cells than a ledger has ([`MAX_DECLARED_CELLS`]); the reader
    /// would set room aside for all of them before reading one.
    TooManyCells,
}

/// The most cells a sheet of an old workbook may declare (its used range, rows × columns).
pub const MAX_DECLARED_CELLS: u64 = 4_000_000;

const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Sector numbers from here up mark the ends of chains and special sectors.
const RESERVED: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const DIRECTORY_ENTRY: usize = 128;

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    u64::from(u32_at(bytes, at)) | (u64::from(u32_at(bytes, at + 4)) << 32)
}

struct File<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    /// How many whole or partial sectors follow the header.
    sectors: usize,
}

impl File<'_> {
    fn sector(&self, id: u32) -> Result<&[u8], Fault> {
        let id = id as usize;
        if id >= self.sectors {
            return Err(Fault::OutOfFile);
        }
        let start = (id + 1) * self.sector_size;
        let end = (start + self.sector_size).min(self.bytes.len());
        self.bytes.get(start..end).ok_or(Fault::OutOfFile)
    }

    /// The sectors of a chain, in order, refusing one that loops or leaves the file.
    fn chain(&self, first: u32, fat: &[u32]) -> Result<Vec<u32>, Fault> {
        let mut seen = vec![false; self.sectors];
        let mut chain = Vec::new();
        let mut id = first;
        while id != END_OF_CHAIN && id < RESERVED {
            let place = seen.get_mut(id as usize).ok_or(Fault::OutOfFile)?;
            if std::mem::replace(place, true) {
                return Err(Fault::Loops);
            }
            chain.push(id);
            id = *fat.get(id as usize).ok_or(Fault::OutOfFile)?;
        }
        Ok(chain)
    }
}

/// Checks the chains of a compound file (the directory, the mini-stream, the mini table) and
/// the length of every stream its directory names.
pub fn check(bytes: &[u8]) -> Result<(), Fault> {
    if bytes.len() < 512 || bytes[..8] != SIGNATURE {
        return Err(Fault::NoHeader);
    }
    let sector_size = match u32_at(bytes, 0x1E) & 0xFFFF {
        9 => 512,
        12 => 4096,
        _ => return Err(Fault::SectorSize),
    };
    let file = File {
        bytes,
        sector_size,
        sectors: bytes
            .len()
            .saturating_sub(sector_size)
            .div_ceil(sector_size),
    };
    // The table of sectors: its own sectors listed in the header, then in a chain of its own.
    let mut table_sectors: Vec<u32> = (0..109).map(|i| u32_at(bytes, 0x4C + 4 * i)).collect();
    let mut next = u32_at(bytes, 0x44);
    let mut steps = 0;
    while next < RESERVED {
        steps += 1;
        if steps > file.sectors {
            return Err(Fault::Loops);
        }
        let sector = file.sector(next)?;
        let entries = sector.len() / 4;
        table_sectors.extend((0..entries.saturating_sub(1)).map(|i| u32_at(sector, 4 * i)));
        next = u32_at(sector, 4 * entries.saturating_sub(1));
    }
    let mut fat = Vec::new();
    for id in table_sectors.into_iter().filter(|id| *id < RESERVED) {
        let sector = file.sector(id)?;
        fat.extend((0..sector.len() / 4).map(|i| u32_at(sector, 4 * i)));
    }
    let directory = file.chain(u32_at(bytes, 0x30), &fat)?;
    let mut entries = Vec::new();
    for id in directory {
        entries.extend_from_slice(file.sector(id)?);
    }
    for entry in entries.chunks_exact(DIRECTORY_ENTRY) {
        let length = if sector_size == 512 {
            u64::from(u32_at(entry, 120))
        } else {
            u64_at(entry, 120)
        };
        if length > bytes.len() as u64 {
            return Err(Fault::TooLong);
        }
    }
    let mut mini_table = Vec::new();
    let mut mini_stream = Vec::new();
    let mini_table_sectors = u32_at(bytes, 0x40) as usize;
    if mini_table_sectors > 0 {
        if mini_table_sectors > file.sectors {
            return Err(Fault::TooLong);
        }
        for id in file.chain(u32_at(bytes, 0x3C), &fat)? {
            let sector = file.sector(id)?;
            mini_table.extend((0..sector.len() / 4).map(|i| u32_at(sector, 4 * i)));
        }
        if let Some(root) = entries.get(..DIRECTORY_ENTRY) {
            for id in file.chain(u32_at(root, 116), &fat)? {
                mini_stream.extend_from_slice(file.sector(id)?);
            }
        }
    }
    let workbook = entries
        .chunks_exact(DIRECTORY_ENTRY)
        .find(|entry| ["workbook", "book"].contains(&name_of(entry).as_str()));
    if let Some(entry) = workbook {
        let (start, length) = (u32_at(entry, 116), u32_at(entry, 120) as usize);
        let stream = if length >= 4096 {
            let mut stream = Vec::new();
            for id in file.chain(start, &fat)? {
                stream.extend_from_slice(file.sector(id)?);
            }
            stream
        } else {
            let mini = File {
                bytes: &mini_stream,
                sector_size: 64,
                sectors: mini_stream.len().div_ceil(64),
            };
            let mut stream = Vec::new();
            for id in mini.chain(start, &mini_table)? {
                let at = id as usize * 64;
                stream.extend_from_slice(mini_stream.get(at..at + 64).unwrap_or_default());
            }
            stream
        };
        declared_cells(stream.get(..length).unwrap_or(&stream))?;
    }
    Ok(())
}

/// A directory entry's name, lower-cased.
fn name_of(entry: &[u8]) -> String {
    let units: Vec<u16> = (0..32)
        .map(|i| u32_at(entry, 2 * i) as u16)
        .take_while(|u| *u != 0)
        .collect();
    String::from_utf16_lossy(&units).to_lowercase()
}

/// Walks the workbook stream's records and refuses a sheet whose used range (its DIMENSIONS
/// record) is larger than [`MAX_DECLARED_CELLS`].
fn declared_cells(mut stream: &[u8]) -> Result<(), Fault> {
    const DIMENSIONS: u32 = 0x0200;
    while stream.len() >= 4 {
        let kind = u32_at(stream, 0) & 0xFFFF;
        let length = (u32_at(stream, 2) & 0xFFFF) as usize;
        let Some(data) = stream.get(4..4 + length) else {
            break;
        };
        if kind == DIMENSIONS {
            // First row, row past the last, first column, column past the last; the reader
            // takes a first column past 0xFF as 0 and sizes the range with wrapping sums.
            let (first_row, rows_end, first_column, columns_end) = match length {
                10 => (
                    u32_at(data, 0) & 0xFFFF,
                    u32_at(data, 2) & 0xFFFF,
                    u32_at(data, 4) & 0xFFFF,
                    u32_at(data, 6) & 0xFFFF,
                ),
                14 | 16 => (
                    u32_at(data, 0),
                    u32_at(data, 4),
                    u32_at(data, 8) & 0xFFFF,
                    u32_at(data, 10) & 0xFFFF,
                ),
                _ => (0, 0, 0, 0),
            };
            let first_column = if first_column > 0xFF || columns_end < first_column {
                0
            } else {
                first_column
            };
            let (rows, columns) = if rows_end >= 1 && columns_end >= 1 {
                (
                    rows_end.wrapping_sub(first_row),
                    columns_end.wrapping_sub(first_column),
                )
            } else {
                (1, 1)
            };
            if u64::from(rows) * u64::from(columns) > MAX_DECLARED_CELLS {
                return Err(Fault::TooManyCells);
            }
        }
        stream = &stream[4 + length..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compound file of 512-byte sectors: sector 0 the table, sector 1 the directory.
    fn small_file(table: &[u32], directory_start: u32, stream_length: u32) -> Vec<u8> {
        let mut bytes = vec![0u8; 512 * 3];
        bytes[..8].copy_from_slice(&SIGNATURE);
        bytes[0x1E] = 9;
        bytes[0x20] = 6;
        bytes[0x2C] = 1;
        bytes[0x30..0x34].copy_from_slice(&directory_start.to_le_bytes());
        bytes[0x44..0x48].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        bytes[0x4C..0x50].copy_from_slice(&0u32.to_le_bytes());
        for i in 1..109 {
            bytes[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        let mut full = vec![0xFFFF_FFFFu32; 128];
        full[..table.len()].copy_from_slice(table);
        for (i, id) in full.iter().enumerate() {
            bytes[512 + 4 * i..516 + 4 * i].copy_from_slice(&id.to_le_bytes());
        }
        bytes[1024 + 120..1024 + 124].copy_from_slice(&stream_length.to_le_bytes());
        bytes
    }

    #[test]
    fn a_well_chained_file_passes_and_a_looping_or_overlong_one_is_refused() {
        let sound = small_file(&[0xFFFF_FFFD, END_OF_CHAIN], 1, 100);
        assert_eq!(check(&sound), Ok(()));
        let looping = small_file(&[0xFFFF_FFFD, 1], 1, 100);
        assert_eq!(check(&looping), Err(Fault::Loops));
        let leaving = small_file(&[0xFFFF_FFFD, 7], 1, 100);
        assert_eq!(check(&leaving), Err(Fault::OutOfFile));
        let overlong = small_file(&[0xFFFF_FFFD, END_OF_CHAIN], 1, 0xFFFF_0000);
        assert_eq!(check(&overlong), Err(Fault::TooLong));
        assert_eq!(check(&sound[..300]), Err(Fault::NoHeader));
    }
}
