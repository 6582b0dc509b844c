/*
 * The XML of WeChat's messages and replies: one <xml> element holding named fields, text in CDATA
 * and numbers bare. Only that shape is read (no DTD, no entities beyond the five predefined
 * ones), so a hostile body cannot reach files or expand itself. Fields nested one level deeper
 * (e.g. ScanCodeInfo/ScanType) come out by their own name.
 */
const FIELD = /<([A-Za-z_][\w.-]*)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g
/** How a text holding "]]>" is written in CDATA: the section is closed and reopened inside it. */
const SPLIT_CDATA = ']]]]><![CDATA[>'
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

export type XmlFields = Record<string, string>

export function parseWechatXml(xml: string): XmlFields {
  const root = /<xml>([\s\S]*)<\/xml>/.exec(xml)
  if (!root) return {}
  const fields: XmlFields = {}
  for (const [, name, cdata, text] of root[1].matchAll(FIELD)) {
    fields[name] = cdata !== undefined ? cdata.replaceAll(SPLIT_CDATA, ']]>') : text.replace(/&(lt|gt|amp|quot|apos);/g, (_, entity: string) => ENTITIES[entity])
  }
  return fields
}

export function buildWechatXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => `<${name}>${typeof value === 'number' ? value : `<![CDATA[${value.replaceAll(']]>', SPLIT_CDATA)}]]>`}</${name}>`)
    .join('')
  return `<xml>${body}</xml>`
}
