/*
 * Just enough ZIP (PKWARE APPNOTE: local headers, central directory, end record; stored or
 * deflated entries, CRC-32 checked) for the bill archives Alipay and UnionPay hand out, and for
 * the sandbox that makes them. No ZIP64, encryption or multi-disk: bills are small.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib'
import { ChannelError } from '#payments/channel'

export interface ZipEntry {
  name: string
  data: Buffer
}

const LOCAL = 0x04034b50
const CENTRAL = 0x02014b50
const END = 0x06054b50
/** General purpose flag bit 11: the name is UTF-8. */
const UTF8_NAMES = 0x0800

/** MS-DOS time and date of an instant (local fields, as ZIP tools write them). */
function dosTime(at: Date) {
  return {
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | Math.floor(at.getSeconds() / 2),
    date: ((at.getFullYear() - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
  }
}

export function zipFiles(entries: ZipEntry[], at = new Date()): Buffer {
  const { time, date } = dosTime(at)
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const packed = deflateRawSync(entry.data)
    const crc = crc32(entry.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(LOCAL, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(UTF8_NAMES, 6)
    local.writeUInt16LE(8, 8)
    local.writeUInt16LE(time, 10)
    local.writeUInt16LE(date, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(entry.data.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(CENTRAL, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(UTF8_NAMES, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt16LE(time, 12)
    central.writeUInt16LE(date, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(entry.data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, packed)
    centrals.push(central, name)
    offset += local.length + name.length + packed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(END, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

export function unzipFiles(archive: Buffer): ZipEntry[] {
  const broken = (why: string) => new ChannelError(`The bill archive is not a readable ZIP (${why})`, 'BILL_FORMAT')
  let endAt = -1
  for (let at = archive.length - 22; at >= Math.max(0, archive.length - 22 - 0xffff); at--) {
    if (archive.readUInt32LE(at) === END) {
      endAt = at
      break
    }
  }
  if (endAt < 0) throw broken('no end record')
  const count = archive.readUInt16LE(endAt + 10)
  let at = archive.readUInt32LE(endAt + 16)
  const entries: ZipEntry[] = []
  for (let n = 0; n < count; n++) {
    if (at + 46 > archive.length || archive.readUInt32LE(at) !== CENTRAL) throw broken('bad central directory')
    const method = archive.readUInt16LE(at + 10)
    const crc = archive.readUInt32LE(at + 16)
    const packedSize = archive.readUInt32LE(at + 20)
    const nameLength = archive.readUInt16LE(at + 28)
    const skip = nameLength + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32)
    const localAt = archive.readUInt32LE(at + 42)
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8')
    if (archive.readUInt32LE(localAt) !== LOCAL) throw broken('bad local header')
    const dataAt = localAt + 30 + archive.readUInt16LE(localAt + 26) + archive.readUInt16LE(localAt + 28)
    const packed = archive.subarray(dataAt, dataAt + packedSize)
    if (method !== 0 && method !== 8) throw broken(`compression method ${method}`)
    const data = method === 8 ? inflateRawSync(packed) : Buffer.from(packed)
    if (crc32(data) !== crc) throw broken(`CRC mismatch in ${name}`)
    entries.push({ name, data })
    at += 46 + skip
  }
  return entries
}
