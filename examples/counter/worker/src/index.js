// Increments the shared counter three times through the incrementer worker, then reads it back
// from the KV namespace they share.
export default {
  async fetch(request, env) {
    const message = env.CUSTOM
      ? await (await env.CUSTOM.fetch("http://custom/")).text()
      : env.MESSAGE;
    for (let i = 0; i < 3; i++) {
      await env.INCREMENTER.fetch("http://incrementer/");
    }
    const count = await env.COUNTS.get("count");
    return new Response(message + count);
  },
};
