import type { HttpContext } from '@adonisjs/core/http'
import ReportExports, { type ExportDataset } from '#reports/services/report_exports'
import { exportValidator } from '#reports/validators/report'

/** Orders, tickets, check-ins and refunds as a CSV or XLSX download, streamed. */
export default class ExportsController {
  async download(ctx: HttpContext) {
    const { format, ...filters } = await exportValidator.validate(ctx.request.qs())
    const file = await ReportExports.for(ctx.tenant!).open(ctx.params.dataset as ExportDataset, format ?? 'csv', filters)
    ctx.response.header('content-type', file.contentType)
    ctx.response.header('content-disposition', `attachment; filename="${file.filename}"`)
    ctx.response.header('cache-control', 'no-store')
    ctx.response.stream(file.stream)
  }
}
