/* Small things the member, pass, coupon, distributor and webhook screens share. */
import { ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message-box/style/css'

/**
 * Asks staff why (every change of a pass, a membership or points needs a reason, kept in the
 * audit log). Null when they cancel.
 */
export async function askReason(title: string, message: string, placeholder = '原因 Reason'): Promise<string | null> {
  try {
    const { value } = await ElMessageBox.prompt(message, title, {
      confirmButtonText: '确定 Confirm',
      cancelButtonText: '取消 Cancel',
      inputPlaceholder: placeholder,
      inputValidator: (text) => (text && text.trim().length >= 2) || '请填写原因（至少 2 个字）Give a reason (2 characters or more)',
    })
    return value.trim()
  } catch {
    return null
  }
}

const csvCell = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value)
  // A leading = + - @ would run as a formula in a spreadsheet: neutralise it (numbers stay numbers).
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

/** Saves rows as a CSV file (UTF-8 with a BOM, so Excel reads Chinese correctly). */
export function downloadCsv(filename: string, rows: unknown[][]) {
  const text = `\ufeff${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`
  const link = document.createElement('a')
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(link.href), 1000)
}

/** "YYYY-MM-DD" of today, Beijing time. */
export const todayInBeijing = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
