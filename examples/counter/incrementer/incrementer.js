// Service-worker format: bindings are globals. Adds one to the shared count and answers it.
addEventListener("fetch", (event) => {
  event.respondWith(handleRequest());
});

async function handleRequest() {
  const count = parseInt((await NUMBERS.get("count")) ?? "0") + 1;
  await NUMBERS.put("count", count.toString());
  return new Response(count.toString());
}
