// The API docs page: swagger-ui, served from the jar with the page, renders the node's own contract (/openapi.json).
// Nothing is fetched from anywhere else: no validator badge (validatorUrl null), no fonts or scripts from a CDN.
'use strict';

window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  validatorUrl: null,
  deepLinking: true,
  docExpansion: 'list',
  tryItOutEnabled: false,
});
