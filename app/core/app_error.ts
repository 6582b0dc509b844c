/*
 * Errors the application raises on purpose. Every one renders as
 * `{ errors: [{ message, code, field? }] }` with its status, like VineJS's validation errors.
 */
import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'

export class AppError extends Exception {
  constructor(
    message: string,
    options: { status: number; code: string; field?: string; meta?: Record<string, unknown> }
  ) {
    super(message, { status: options.status, code: options.code })
    this.field = options.field
    this.meta = options.meta
  }

  declare field?: string
  declare meta?: Record<string, unknown>

  async handle(error: this, ctx: HttpContext) {
    ctx.response
      .status(error.status)
      .send({ errors: [{ message: error.message, code: error.code, field: error.field, ...error.meta }] })
  }
}

export const notFound = (message: string, code = 'E_NOT_FOUND') => new AppError(message, { status: 404, code })
export const forbidden = (message: string, code = 'E_FORBIDDEN') => new AppError(message, { status: 403, code })
export const invalid = (field: string, message: string, code = 'E_INVALID') =>
  new AppError(message, { status: 422, code, field })
