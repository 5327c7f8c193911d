import { Router } from 'express';
import { DOCS_PAGE, openApiDocument } from '../../openapi/document.ts';

/** `GET /api/openapi.json` (generated from the zod contract) and `GET /api/docs` (browsable page). */
export function docsRoutes(): Router {
  const router = Router();
  let doc: Record<string, unknown> | undefined;
  router.get('/openapi.json', (_req, res) => {
    res.json((doc ??= openApiDocument()));
  });
  router.get('/docs', (_req, res) => {
    res.setHeader(
      'content-security-policy',
      "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
    );
    res.type('html').send(DOCS_PAGE);
  });
  return router;
}
