import type { Command } from 'commander';
import { createUser, listUsers, randomPassword, ROLES, setPassword, type Role } from '../../auth/index.ts';
import { loadConfig } from '../../config.ts';
import type { Db } from '../../db/db.ts';
import { migrate } from '../../db/migrate.ts';
import { openDb } from '../../db/open-db.ts';

/** Reads a password from stdin (first line, trailing newline removed). */
async function readStdinPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (Buffer.concat(chunks).length > 4096) throw new Error('密码过长 / password on stdin too long');
  }
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!line) throw new Error('标准输入没有密码 / no password on stdin');
  return line;
}

/** Opens the same database `serve` uses (DATABASE_URL or the embedded one under XUNCHA_DATA_DIR). */
async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(loadConfig());
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

const collect = (v: string, prev: string[]) => [...prev, v];

/**
 * `xuncha user add NAME --role ROLE [--role …] [--department ID] [--password-stdin]`, `xuncha user passwd NAME
 * [--password-stdin]`, `xuncha user list`. Without --password-stdin a one-time password is generated and printed.
 * For the embedded database, run while `serve` is stopped.
 */
export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('用户管理 / manage users and roles');
  user
    .command('add <name>')
    .description('添加用户 / add a user')
    .requiredOption('--role <role>', `role (${ROLES.join(', ')}); repeat for several`, collect, [])
    .option('--department <id>', 'department id (object-level access)')
    .option('--display-name <text>', 'display name')
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(
      async (
        name: string,
        o: { role: string[]; department?: string; displayName?: string; passwordStdin?: boolean },
      ) => {
        const bad = o.role.filter((r) => !(ROLES as readonly string[]).includes(r));
        if (bad.length) throw new Error(`未知角色 / unknown role: ${bad.join(', ')} (one of ${ROLES.join(', ')})`);
        const password = o.passwordStdin ? await readStdinPassword() : randomPassword();
        await withDb(async (db) => {
          const u = await createUser(db, {
            username: name,
            password,
            roles: o.role as Role[],
            departmentId: o.department ?? null,
            displayName: o.displayName ?? null,
            mustChangePassword: !o.passwordStdin,
          });
          process.stdout.write(`已添加 / added ${u.username} (${u.roles.join(', ')})\n`);
          if (!o.passwordStdin) process.stderr.write(`一次性密码 / one-time password: ${password}\n`);
        });
      },
    );
  user
    .command('passwd <name>')
    .description('重设密码（并注销其所有会话）/ set a new password (revokes all sessions)')
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action(async (name: string, o: { passwordStdin?: boolean }) => {
      const password = o.passwordStdin ? await readStdinPassword() : randomPassword();
      // A generated password is one-time: the user must change it at the next login, as after `user add`.
      await withDb((db) => setPassword(db, name, password, !o.passwordStdin));
      process.stdout.write(`已更新 / password changed for ${name}\n`);
      if (!o.passwordStdin) process.stderr.write(`一次性密码 / one-time password: ${password}\n`);
    });
  user
    .command('list')
    .description('列出用户 / list users')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const users = await withDb(listUsers);
      if (o.json) {
        process.stdout.write(`${JSON.stringify(users.map(({ passwordHash: _h, ...u }) => u))}\n`);
        return;
      }
      for (const u of users) {
        process.stdout.write(
          `${u.username}\t${u.roles.join(',')}\t${u.departmentId ?? '-'}\t${u.disabled ? 'disabled' : 'active'}\n`,
        );
      }
    });
}
