// Baseline: bare node:http that reads the body and answers 204.
import { createServer } from 'node:http';

createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => res.writeHead(204).end());
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write(`listening ${process.env.PORT}\n`));
