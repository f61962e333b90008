/**
 * The HTTP baseline: an express 5 app that parses the same JSON body as the ledger and answers
 * 201 without doing anything with it. Run as its own process on PORT, like the service.
 */
import express from 'express';

/** Same limit as the ledger's request bodies (contract: 1 MiB). */
const BODY_LIMIT = '1mb';

const app = express();
app.disable('x-powered-by');
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
const created: express.RequestHandler = (req, res) => {
  if (typeof req.body !== 'object' || req.body === null) {
    res.status(400).end();
    return;
  }
  res.status(201).json({ ok: true });
};
app.post('/v1/entries', express.json({ limit: BODY_LIMIT }), created);
app.post('/v1/entries/batch', express.json({ limit: BODY_LIMIT }), created);

const port = Number(process.env['PORT'] ?? 0);
app.listen(port, '127.0.0.1');
