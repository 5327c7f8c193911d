import os from 'node:os';
import type { Command } from 'commander';
import {
  createUser,
  findUserByUsername,
  listUsers,
  randomPassword,
  ROLES,
  setPassword,
  updateUser,
  type Role,
} from '../../auth/index.ts';
import { writeAudit } from '../../audit/audit-log.ts';
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

/**
 * Opens the same database `serve` uses (DATABASE_URL or the embedded one under XUNCHA_DATA_DIR). The embedded
 * one only while no `serve` holds it: a write there would be lost (the running service never sees it).
 */
async function withDb<T>(purpose: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb(loadConfig(), purpose);
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** An audit row for a change made from the command line (the actor is the operating-system user). */
function cliAudit(action: string, objectId: string, details?: unknown) {
  return {
    actor: { id: `cli:${os.userInfo().username}`, username: os.userInfo().username, roles: ['admin'] },
    action,
    objectKind: 'user',
    objectId,
    status: 200,
    details,
  };
}

function checkRoles(roles: string[]): Role[] {
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length) throw new Error(`未知角色 / unknown role: ${bad.join(', ')} (one of ${ROLES.join(', ')})`);
  return roles as Role[];
}

/** Disables/enables a user or sets their roles, as an admin would through the API. */
async function changeUser(purpose: string, name: string, change: { roles?: Role[]; disabled?: boolean }) {
  await withDb(purpose, async (db) => {
    const u = await findUserByUsername(db, name);
    if (!u) throw new Error(`未找到用户 / no such user: ${name}`);
    const cli = { id: `cli:${os.userInfo().username}`, username: 'cli', roles: ['admin' as const], departmentId: null };
    const after = await updateUser(db, cli, u.id, change);
    await writeAudit(db, cliAudit(purpose.replace(' ', '.'), u.id, change));
    process.stdout.write(
      `已更新 / ${after.username}: ${after.roles.join(',')} ${after.disabled ? 'disabled' : 'active'}\n`,
    );
  });
}

/**
 * `xuncha user add NAME --role ROLE [--role …] [--department ID] [--password-stdin]`, `xuncha user passwd NAME
 * [--password-stdin]`, `user disable|enable NAME`, `user role NAME --role …`, `xuncha user list`. Without
 * --password-stdin a one-time password is generated and printed. Changes are audited. With the embedded
 * database these refuse while `serve` runs (it holds the data directory): use the API then.
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
        checkRoles(o.role);
        const password = o.passwordStdin ? await readStdinPassword() : randomPassword();
        await withDb('user add', async (db) => {
          const u = await createUser(db, {
            username: name,
            password,
            roles: o.role as Role[],
            departmentId: o.department ?? null,
            displayName: o.displayName ?? null,
            mustChangePassword: !o.passwordStdin,
          });
          await writeAudit(db, cliAudit('user.add', u.id, { roles: u.roles, departmentId: u.departmentId }));
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
      await withDb('user passwd', async (db) => {
        await setPassword(db, name, password, !o.passwordStdin, o.passwordStdin ? 'enforce' : 'skip');
        const u = await findUserByUsername(db, name);
        await writeAudit(db, cliAudit('user.passwd', u?.id ?? name));
      });
      process.stdout.write(`已更新 / password changed for ${name}\n`);
      if (!o.passwordStdin) process.stderr.write(`一次性密码 / one-time password: ${password}\n`);
    });
  user
    .command('disable <name>')
    .description('停用用户（立即注销其所有会话）/ disable a user (ends all their sessions)')
    .action((name: string) => changeUser('user disable', name, { disabled: true }));
  user
    .command('enable <name>')
    .description('启用用户 / enable a user')
    .action((name: string) => changeUser('user enable', name, { disabled: false }));
  user
    .command('role <name>')
    .description("设置用户角色 / set a user's roles")
    .requiredOption('--role <role>', `role (${ROLES.join(', ')}); repeat for several`, collect, [])
    .action((name: string, o: { role: string[] }) => changeUser('user role', name, { roles: checkRoles(o.role) }));
  user
    .command('list')
    .description('列出用户 / list users')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const users = await withDb('user list', listUsers);
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
