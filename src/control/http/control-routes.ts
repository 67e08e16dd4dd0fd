/**
 * The seed's control paths, as Reactor's node controller served them on port 3000: actors
 * started and stopped, chaos set and unset, plus our read-only views (status, ring, inspect,
 * a client's output). Each handler only translates a body into a ControllerService call.
 */
import type { Hono } from 'hono';
import type { ControllerService } from '../service.js';
import { jsonText } from '../kv-wire.js';
import { duplicationBody, msgDelayBody, msgLossBody, parseActorName, parseBody, readJsonBody, startActorBody, unsetDelayBody } from './bodies.js';
import { checkQuery, keyFromPath, nonNegativeInteger } from './query.js';

/** What a control path that changes something answers. */
export interface Done {
  readonly ok: true;
  readonly message: string;
}

const done = (message: string): Done => ({ ok: true, message });

/** Registers the control paths on `app`. */
export function registerControlRoutes(app: Hono, service: ControllerService): void {
  app.get('/status', async (c) => c.json(await service.status()));

  app.post('/start_actor', async (c) => {
    const body = parseBody(startActorBody, await readJsonBody(c));
    const info = await service.startActor(body);
    return c.json({ name: info.name, hostname: info.hostname, port: info.port }, 201);
  });

  app.post('/stop_actor', async (c) => {
    const name = parseActorName(await readJsonBody(c));
    await service.stopActor(name);
    return c.json(done(`Actor ${name} Stopped!`));
  });

  // Reactor's takes no body; whatever is sent is ignored, as there.
  app.post('/stop_all_actors', async (c) => {
    await service.stopAllActors();
    return c.json(done('All actors stopped!'));
  });

  app.post('/set_msg_loss', async (c) => {
    const body = parseBody(msgLossBody, await readJsonBody(c));
    await service.chaos({ node: body.actor_name, loss: body.probability });
    return c.json(done(`Message loss of ${body.actor_name} set to ${body.probability}`));
  });

  app.post('/set_duplication', async (c) => {
    const body = parseBody(duplicationBody, await readJsonBody(c));
    await service.chaos({ node: body.actor_name, duplicate: { probability: body.probability, factor: body.factor } });
    return c.json(done(`Message duplication of ${body.actor_name} set to factor ${body.factor} with probability ${body.probability}`));
  });

  app.post('/set_msg_delay', async (c) => {
    const body = parseBody(msgDelayBody, await readJsonBody(c));
    const delay = [body.delay_range_start, body.delay_range_end] as const;
    if (body.senders.length === 0) {
      await service.chaos({ node: body.actor_name, delayMs: delay });
    } else {
      // One rule per link, as Reactor delays the messages of each listed sender.
      for (const sender of body.senders) await service.chaos({ from: sender, to: body.actor_name, delayMs: delay });
    }
    return c.json(done(`Message delay of ${body.actor_name} set to ${delay[0]}..${delay[1]} ms`));
  });

  app.post('/unset_msg_loss', async (c) => {
    const name = parseActorName(await readJsonBody(c));
    await service.clearChaos({ node: name }, ['loss']);
    return c.json(done(`Message loss of ${name} unset`));
  });

  app.post('/unset_msg_duplication', async (c) => {
    const name = parseActorName(await readJsonBody(c));
    await service.clearChaos({ node: name }, ['duplicate']);
    return c.json(done(`Message duplication of ${name} unset`));
  });

  app.post('/unset_msg_delay', async (c) => {
    const raw = await readJsonBody(c);
    // Also Reactor's bare actor name, meaning every sender.
    const body = typeof raw === 'string' ? { actor_name: parseActorName(raw), senders: [] } : parseBody(unsetDelayBody, raw);
    if (body.senders.length === 0) {
      await service.clearChaos({ node: body.actor_name }, ['delayMs']);
    } else {
      for (const sender of body.senders) await service.clearChaos({ from: sender, to: body.actor_name }, ['delayMs']);
    }
    return c.json(done(`Message delay of ${body.actor_name} unset`));
  });

  app.get('/ring', async (c) => c.json(await service.ring()));

  app.get('/inspect/*', async (c) => {
    checkQuery(c, []);
    const key = keyFromPath(c, '/inspect/');
    // Values may be bytes: jsonText writes them as { base64 }.
    return c.body(jsonText(await service.inspect(key)), 200, { 'Content-Type': 'application/json' });
  });

  app.get('/client_output/:name', async (c) => {
    const query = checkQuery(c, ['from']);
    const from = query['from'] === undefined ? 0 : nonNegativeInteger('from', query['from']);
    return c.json(await service.clientOutput(c.req.param('name'), from));
  });
}
