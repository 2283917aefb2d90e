// Node-only: bridge between node:http (IncomingMessage/ServerResponse) and web Request/Response.
export {};
