import type { BackendStatus, CommandStatus, DaemonStatus, DependencyStatus, FleetStatus, TemplateStatus } from './status.js';

/** Seconds between the page's own refreshes. */
const REFRESH_SECONDS = 5;

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.4em;margin:0 0 .3em}h2{font-size:1.1em;margin:1.5em 0 .4em}
.meta{color:#666;margin-bottom:1em}
.summary span{display:inline-block;padding:.4em .9em;margin-right:.5em;border-radius:4px;font-weight:600;color:#fff}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #ccc;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#444;color:#fff;font-weight:600}
td small{color:#555}
ul{margin:0;padding:0;list-style:none}
.none{background:#9e9e9e}.fine,.ok,.data{background:#2e7d32}.waiting,.connecting,.missing{background:#e69500}.failing,.error{background:#c62828}
tr.fine td{background:#eef7ee}tr.waiting td{background:#fff5e0}tr.failing td{background:#fdecea}
tr.ok td{background:#eef7ee}tr.connecting td{background:#fff5e0}
.badge{display:inline-block;min-width:5em;text-align:center;padding:.1em .4em;border-radius:3px;color:#fff;font-weight:600}
.leader{background:#1565c0}.follower{background:#5c6bc0}.candidate{background:#e69500}.direct{background:#6d4c41}
.dot{display:inline-block;width:.7em;height:.7em;border-radius:50%;margin-right:.3em}
code{font-size:.95em}
`;

/**
 * The status page: the daemon's state as one self-contained HTML document (inline style, no
 * script, no external asset) that reloads itself every few seconds. Waiting templates come
 * first, then failing ones, then the rest. In fleet mode, a Fleet column and a header line.
 */
export function statusPage(status: DaemonStatus): string {
  const order = { waiting: 0, failing: 1, fine: 2 } as const;
  const templates = [...status.templates].sort((a, b) => order[a.state] - order[b.state] || a.destination.localeCompare(b.destination));
  const { summary } = status;
  const isFleet = templates.some((template) => template.fleet);
  const headings = ['State', 'Destination', ...(isFleet ? ['Fleet'] : []), 'Dependencies', 'Last render', 'Last write', 'Check', 'Reload', 'Last error'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>ctmpl: ${summary.waiting} waiting, ${summary.failing} failing, ${summary.fine} fine</title>
<style>${STYLE}</style></head>
<body>
<h1>ctmpl</h1>
<div class="meta">${escape(status.mode)} · started ${when(status.startedAt, status.now)} · refreshes every ${REFRESH_SECONDS}s · <a href="/status">/status</a> · <a href="/metrics">/metrics</a></div>
${isFleet ? `<div class="meta" id="fleet">${fleetLine(templates)}</div>\n` : ''}<div class="summary">${(['waiting', 'failing', 'fine'] as const).map((state) => `<span class="${summary[state] > 0 ? state : 'none'}">${summary[state]} ${state}</span>`).join('')}</div>
<h2>Templates</h2>
<table id="templates"><thead><tr>${headings.map((heading) => `<th>${heading}</th>`).join('')}</tr></thead>
<tbody>
${templates.map((template) => templateRow(template, status.now, isFleet)).join('\n') || `<tr><td colspan="${headings.length}">no templates</td></tr>`}
</tbody></table>
<h2>Backends</h2>
<table id="backends"><thead><tr><th>State</th><th>Address</th><th>Watches</th><th>Retries</th><th>Failing since</th><th>Last error</th></tr></thead>
<tbody>
${status.backends.map((backend) => backendRow(backend, status.now)).join('\n')}
</tbody></table>
</body></html>
`;
}

function templateRow(template: TemplateStatus, now: string, isFleet: boolean): string {
  const waiting = template.waitingSince ? `<br><small>for ${when(template.waitingSince, now, '')}</small>` : '';
  const cells = [
    `<span class="badge ${template.state}">${template.state}</span>${waiting}`,
    `<code>${escape(template.destination)}</code><br><small>from ${escape(template.source)}</small>`,
    ...(isFleet ? [fleetCell(template.fleet, now)] : []),
    dependencyList(template.dependencies, now),
    template.lastRender ? `${when(template.lastRender.at, now)}<br><small>${template.lastRender.durationMs} ms</small>` : 'never',
    template.lastWrite ? when(template.lastWrite, now) : 'never',
    commandCell(template.lastCheck, now),
    commandCell(template.lastReload, now) + (template.reloadFailures > 0 ? `<br><small>${template.reloadFailures} failed so far</small>` : ''),
    template.lastError ? `${escape(template.lastError.message)}<br><small>${when(template.lastError.at, now)}</small>` : '',
  ];
  return `<tr class="${template.state}" data-destination="${escape(template.destination)}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

/** "fleet: leader of 2, follower of 3" (and the candidates and direct ones, when there are). */
function fleetLine(templates: readonly TemplateStatus[]): string {
  const count = (role: FleetStatus['role']) => templates.filter((template) => template.fleet?.role === role).length;
  const parts = [`leader of ${count('leader')}`, `follower of ${count('follower')}`];
  if (count('candidate') > 0) parts.push(`waiting for a leader's data on ${count('candidate')}`);
  if (count('direct') > 0) parts.push(`watching directly on ${count('direct')} (data too big to share)`);
  return `fleet: ${parts.join(', ')}`;
}

function fleetCell(fleet: FleetStatus | undefined, now: string): string {
  if (!fleet) return '';
  const published = fleet.lastPublished ? `<br><small>published ${fleet.lastPublished.direct ? 'the too-big note' : `${fleet.lastPublished.bytes} bytes`} ${when(fleet.lastPublished.at, now)}</small>` : '';
  const received = fleet.lastReceived ? `<br><small>read version ${escape(fleet.lastReceived.version)} ${when(fleet.lastReceived.at, now)}</small>` : '';
  return `<span class="badge ${fleet.role}">${fleet.role}</span> <small>since ${when(fleet.since, now)}</small><br><code>${escape(fleet.key)}</code>${published}${received}`;
}

function dependencyList(dependencies: readonly DependencyStatus[], now: string): string {
  if (dependencies.length === 0) return '<small>none yet</small>';
  const items = dependencies.map((dep) => {
    const since = dep.since ? ` <small>since ${when(dep.since, now)}</small>` : '';
    const error = dep.error ? `<br><small>${escape(dep.error)}</small>` : '';
    return `<li><span class="dot ${dep.state}" title="${dep.state}"></span><code>${escape(dep.name)}</code> ${dep.state}${since}${error}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

function commandCell(command: CommandStatus | undefined, now: string): string {
  if (!command) return '';
  const result = command.ok ? 'ok' : command.timedOut ? 'timed out' : `exit ${command.exitCode ?? '?'}`;
  const tail = command.outputTail ? `<br><small>${escape(command.outputTail)}</small>` : '';
  return `<span class="badge ${command.ok ? 'ok' : 'failing'}">${result}</span> <small>${command.durationMs} ms, ${when(command.at, now)}</small><br><code>${escape(command.command)}</code>${tail}`;
}

function backendRow(backend: BackendStatus, now: string): string {
  const cells = [
    `<span class="badge ${backend.state}">${backend.state}</span>`,
    `<code>${escape(backend.address)}</code>`,
    String(backend.watches),
    String(backend.retries),
    backend.failingSince ? when(backend.failingSince, now) : '',
    backend.lastError ? escape(backend.lastError) : '',
  ];
  return `<tr class="${backend.state}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

/** "12s ago" (or "12s" with `suffix` '') with the exact time on hover. */
function when(at: string, now: string, suffix = ' ago'): string {
  const seconds = Math.max(0, Math.round((Date.parse(now) - Date.parse(at)) / 1000));
  const ago = seconds < 120 ? `${seconds}s` : seconds < 7200 ? `${Math.round(seconds / 60)}m` : `${Math.round(seconds / 3600)}h`;
  return `<time datetime="${at}" title="${at}">${ago}${suffix}</time>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
