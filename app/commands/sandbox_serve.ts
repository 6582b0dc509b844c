import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * The local payment sandbox on its own (npm run demo and the tests start one themselves). Point
 * a server at it with SANDBOX_URL. Never in production: it hands out merchant keys.
 */
export default class SandboxServe extends BaseCommand {
  static commandName = 'sandbox:serve'
  static description = 'Serve the local sandbox of WeChat Pay, Alipay, UnionPay and the WeChat API (development and demo only)'
  static options: CommandOptions = { staysAlive: true }

  @flags.number({ description: 'Port to listen on', default: 3334 })
  declare port: number

  @flags.number({ description: 'Multiplies retry intervals and refund times (0.001 in tests)', default: 1 })
  declare timeScale: number

  async run() {
    if (this.app.inProduction) {
      this.logger.error('The payment sandbox never runs in production')
      this.exitCode = 1
      return this.terminate()
    }
    const { sandboxDataDir, startLocalSandbox } = await import('#sandbox/local_sandbox')
    const sandbox = await startLocalSandbox({ dataDir: sandboxDataDir(this.app.appRoot), port: this.port, timeScale: this.timeScale })
    this.logger.info(`Sandbox at ${sandbox.url}  (set SANDBOX_URL=${sandbox.url} for the server)`)
    const stop = async () => {
      await sandbox.close()
      await this.terminate()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  }
}
