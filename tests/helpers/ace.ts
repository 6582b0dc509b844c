import app from '@adonisjs/core/services/app'

/** Runs an ace command in this process; returns it and the lines it printed. */
export async function runAce(name: string, args: string[] = []) {
  const ace = await app.container.make('ace')
  ace.ui.switchMode('raw')
  const command = await ace.exec(name, args)
  const lines = ace.ui.logger.getLogs().map((log) => log.message)
  ace.ui.switchMode('normal')
  return { command, lines }
}
