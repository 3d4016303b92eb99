// Drives the gateway's OpenAI-compatible channel with the official `openai` package.
// Usage: node openai-client.mjs <baseURL> <apiKey> <user>
// Prints one JSON object: { models, text, streamed, chunks }.
import OpenAI from 'openai';

const [baseURL, apiKey, user] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });

const models = (await client.models.list()).data.map((m) => m.id);
const model = models[0];

const completion = await client.chat.completions.create({
  model,
  user,
  messages: [{ role: 'user', content: 'hello from the openai package' }],
});
const text = completion.choices[0].message.content;

let streamed = '';
let chunks = 0;
const stream = await client.chat.completions.create({
  model,
  user,
  stream: true,
  messages: [{ role: 'user', content: 'stream this please' }],
});
for await (const chunk of stream) {
  chunks++;
  streamed += chunk.choices[0]?.delta?.content ?? '';
}

console.log(JSON.stringify({ models, text, streamed, chunks }));
