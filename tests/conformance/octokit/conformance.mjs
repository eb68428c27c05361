// octokit.js (@octokit/rest, @octokit/graphql, @octokit/webhooks), unchanged, against the
// sandbox: each check is what GitHub gives this client (issue 17, items 1-11). Every webhook
// the sandbox delivers meanwhile is received and signature-checked by @octokit/webhooks.
//
//   SANDBOX_URL=http://127.0.0.1:PORT WEBHOOK_PORT=... WEBHOOK_SECRET=... \
//   OWNER=... REPO=... TOKEN=... ADA_TOKEN=... TEAM=... node conformance.mjs
//
// Prints one line per check ("ok - ..." / "not ok - ...") and exits 1 when any failed.

import assert from "node:assert/strict";
import http from "node:http";
import { graphql } from "@octokit/graphql";
import { Octokit } from "@octokit/rest";
import { createNodeMiddleware, Webhooks } from "@octokit/webhooks";

const env = process.env;
const baseUrl = env.SANDBOX_URL;
const owner = env.OWNER;
const repo = env.REPO;
const team_slug = env.TEAM;
const bot = new Octokit({ auth: env.TOKEN, baseUrl });
const ada = new Octokit({ auth: env.ADA_TOKEN, baseUrl });
const gql = graphql.defaults({ baseUrl, headers: { authorization: `token ${env.TOKEN}` } });

// -- webhooks: verified by @octokit/webhooks as a GitHub App would ------------------------
const received = [];
const webhookErrors = [];
const webhooks = new Webhooks({ secret: env.WEBHOOK_SECRET });
webhooks.onAny(({ name, payload }) => received.push({ name, action: payload.action, payload }));
webhooks.onError((error) => webhookErrors.push(String(error)));
const server = http.createServer(createNodeMiddleware(webhooks, { path: "/webhooks" }));
await new Promise((resolve) => server.listen(Number(env.WEBHOOK_PORT), "127.0.0.1", resolve));

let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok - ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok - ${name}\n  ${String(error?.stack || error).split("\n").join("\n  ")}`);
  }
}

async function deliveriesSettled() {
  // The sandbox's own list of deliveries: wait until each has been answered.
  for (let i = 0; i < 500; i++) {
    const res = await fetch(`${baseUrl}/_sandbox/deliveries`);
    const all = await res.json();
    if (all.every((d) => d.status !== null || d.error !== null)) return all;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("webhook deliveries did not settle");
}

function deliveries(name, action) {
  return received.filter((d) => d.name === name && (action === undefined || d.action === action));
}

const state = {};

// -- item 8: a colour with '#' is refused as GitHub refuses it ------------------------------
await check("8 label colour '#ff0000' → 422 {resource: Label, code: invalid, field: color}", async () => {
  await assert.rejects(
    bot.rest.issues.createLabel({ owner, repo, name: "hash", color: "#ff0000" }),
    (error) => {
      assert.equal(error.status, 422);
      assert.deepEqual(error.response.data.errors, [
        { resource: "Label", code: "invalid", field: "color" },
      ]);
      return true;
    },
  );
  const made = await bot.rest.issues.createLabel({ owner, repo, name: "bug", color: "d73a4a" });
  assert.equal(made.data.color, "d73a4a");
});

// -- item 3: an issue created with labels is opened with them -------------------------------
await check("3 issues.create with labels (and item 1's empty body)", async () => {
  const { data } = await ada.rest.issues.create({ owner, repo, title: "No body", labels: ["bug"] });
  assert.equal(data.body, null);
  state.bare = data.number;
  const other = await ada.rest.issues.create({
    owner,
    repo,
    title: "With body",
    body: "Hello **world**\n\n- one\n- two",
  });
  state.rich = other.data.number;
  await bot.rest.issues.createComment({ owner, repo, issue_number: state.rich, body: "A *reply*" });
});

// -- item 1: search keeps `body: null` --------------------------------------------------------
await check("1 search.issuesAndPullRequests sends body: null for an empty body", async () => {
  const { data } = await bot.rest.search.issuesAndPullRequests({
    q: `repo:${owner}/${repo} is:issue "No body"`,
  });
  const item = data.items.find((i) => i.number === state.bare);
  assert.ok(item, "the issue is found");
  assert.ok("body" in item, "the body key is there");
  assert.equal(item.body, null);
});

// -- item 2: body media types, and diff/patch below -------------------------------------------
await check("2 mediaType full/html/text adds body_html and body_text", async () => {
  const full = await bot.rest.issues.get({
    owner,
    repo,
    issue_number: state.rich,
    mediaType: { format: "full" },
  });
  assert.equal(full.data.body, "Hello **world**\n\n- one\n- two");
  assert.match(full.data.body_html, /^<p>Hello <strong>world<\/strong><\/p>/);
  assert.match(full.data.body_html, /<li>one<\/li>/);
  assert.equal(typeof full.data.body_text, "string");
  assert.ok(!full.data.body_text.includes("**"), full.data.body_text);
  assert.match(full.headers["x-github-media-type"], /param=full/);
  const html = await bot.rest.issues.listComments({
    owner,
    repo,
    issue_number: state.rich,
    mediaType: { format: "html" },
  });
  assert.equal(typeof html.data[0].body_html, "string");
  assert.equal(html.data[0].body_text, undefined);
  const text = await bot.rest.issues.listForRepo({ owner, repo, mediaType: { format: "text" } });
  assert.ok(text.data.every((i) => "body_text" in i));
});

// -- item 9 and the create event: a branch made with git.createRef ----------------------------
await check("9 git.createRef sends push with head_commit and a real compare URL", async () => {
  const main = await bot.rest.git.getRef({ owner, repo, ref: "heads/main" });
  state.main = main.data.object.sha;
  await bot.rest.git.createRef({ owner, repo, ref: "refs/heads/feature", sha: state.main });
});

// -- items 4, 7, 10: a pull request, then a new commit on its branch --------------------------
await check("10 a new pull request's mergeable is null first, then computed", async () => {
  const one = await bot.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: "docs/a.md",
    message: "Add a",
    content: Buffer.from("# A\n\nfirst line\n").toString("base64"),
    branch: "feature",
  });
  state.c1 = one.data.commit.sha;
  const created = await bot.rest.pulls.create({ owner, repo, title: "Feature", head: "feature", base: "main" });
  state.pr = created.data.number;
  assert.equal(created.data.mergeable, null);
  const first = await bot.rest.pulls.get({ owner, repo, pull_number: state.pr });
  assert.equal(first.data.mergeable, null);
  assert.equal(first.data.mergeable_state, "unknown");
  let mergeable = null;
  for (let i = 0; i < 10 && mergeable === null; i++) {
    ({ data: { mergeable } } = await bot.rest.pulls.get({ owner, repo, pull_number: state.pr }));
  }
  assert.equal(mergeable, true);
});

await check("4 a new commit on the branch moves commits, changed_files, files and headRefOid", async () => {
  const two = await bot.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: "docs/b.md",
    message: "Add b",
    content: Buffer.from("b\n").toString("base64"),
    branch: "feature",
  });
  state.c2 = two.data.commit.sha;
  const { data } = await bot.rest.pulls.get({ owner, repo, pull_number: state.pr });
  assert.equal(data.head.sha, state.c2);
  assert.equal(data.commits, 2);
  assert.equal(data.changed_files, 2);
  assert.equal(data.additions, 4);
  const files = await bot.rest.pulls.listFiles({ owner, repo, pull_number: state.pr });
  assert.deepEqual(files.data.map((f) => f.filename), ["docs/a.md", "docs/b.md"]);
  const result = await gql(
    `query($owner: String!, $repo: String!, $n: Int!) {
       repository(owner: $owner, name: $repo) { pullRequest(number: $n) { headRefOid commits { totalCount } } }
     }`,
    { owner, repo, n: state.pr },
  );
  assert.equal(result.repository.pullRequest.headRefOid, state.c2);
  assert.equal(result.repository.pullRequest.commits.totalCount, 2);
});

await check("7 files carry patch in pulls.listFiles and repos.getCommit", async () => {
  const files = await bot.rest.pulls.listFiles({ owner, repo, pull_number: state.pr });
  assert.equal(files.data[0].patch, "@@ -0,0 +1,3 @@\n+# A\n+\n+first line");
  assert.equal(files.data[1].patch, "@@ -0,0 +1 @@\n+b");
  const commit = await bot.rest.repos.getCommit({ owner, repo, ref: state.c2 });
  assert.deepEqual(
    commit.data.files.map((f) => [f.filename, f.status, f.patch]),
    [["docs/b.md", "added", "@@ -0,0 +1 @@\n+b"]],
  );
});

await check("2 pulls.get with the diff and patch media types answers text", async () => {
  const diff = await bot.rest.pulls.get({ owner, repo, pull_number: state.pr, mediaType: { format: "diff" } });
  assert.equal(typeof diff.data, "string");
  assert.match(diff.data, /^diff --git a\/docs\/a\.md b\/docs\/a\.md\nnew file mode 100644\n/);
  assert.match(diff.data, /\+\+\+ b\/docs\/b\.md\n@@ -0,0 \+1 @@\n\+b\n/);
  const patch = await bot.rest.pulls.get({ owner, repo, pull_number: state.pr, mediaType: { format: "patch" } });
  assert.match(patch.data, new RegExp(`^From ${state.c1} Mon Sep 17 00:00:00 2001\n`));
  assert.match(patch.data, /Subject: \[PATCH 2\/2\] Add b/);
});

// -- item 5: the routes that answered 404 ------------------------------------------------------
await check("5 pulls.listCommits, orgs.getMembershipForUser, repos.compareCommitsWithBasehead", async () => {
  const commits = await bot.rest.pulls.listCommits({ owner, repo, pull_number: state.pr });
  assert.deepEqual(commits.data.map((c) => c.sha), [state.c1, state.c2]);
  const member = await bot.rest.orgs.getMembershipForUser({ org: owner, username: "ada" });
  assert.equal(member.data.state, "active");
  assert.equal(member.data.role, "member");
  assert.equal(member.data.user.login, "ada");
  await assert.rejects(
    bot.rest.orgs.getMembershipForUser({ org: owner, username: "nobody-here" }),
    (error) => error.status === 404,
  );
  const compare = await bot.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: "main...feature" });
  assert.equal(compare.data.status, "ahead");
  assert.equal(compare.data.ahead_by, 2);
  assert.equal(compare.data.behind_by, 0);
  assert.equal(compare.data.merge_base_commit.sha, state.main);
  assert.deepEqual(compare.data.commits.map((c) => c.sha), [state.c1, state.c2]);
  assert.equal(compare.data.files.length, 2);
  const back = await bot.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: "feature...main" });
  assert.equal(back.data.status, "behind");
  assert.equal(back.data.behind_by, 2);
});

// -- item 6: team URLs as GitHub gives them ----------------------------------------------------
await check("6 a team's url is /organizations/{org_id}/team/{team_id}, and it answers", async () => {
  const { data: org } = await bot.rest.orgs.get({ org: owner });
  const { data: team } = await bot.rest.teams.getByName({ org: owner, team_slug });
  assert.equal(team.url, `${baseUrl}/organizations/${org.id}/team/${team.id}`);
  assert.equal(team.members_url, `${team.url}/members{/member}`);
  const yes = await bot.request(`GET ${team.url}/members/{username}`, { username: "ada" });
  assert.equal(yes.status, 204);
  await assert.rejects(bot.request(`GET ${team.url}/members/{username}`, { username: "bob" }), (e) => e.status === 404);
  const again = await bot.request(`GET ${team.url}`);
  assert.equal(again.data.slug, team_slug);
});

// -- item 11: a review and a milestone -----------------------------------------------------------
await check("11 pulls.createReview and issues.createMilestone", async () => {
  const review = await ada.rest.pulls.createReview({ owner, repo, pull_number: state.pr, event: "APPROVE" });
  assert.equal(review.data.state, "APPROVED");
  await bot.rest.issues.createMilestone({ owner, repo, title: "v1.0" });
});

// -- the webhooks all of that sent ---------------------------------------------------------------
const settled = await deliveriesSettled();

await check("webhooks: every delivery verified by @octokit/webhooks", async () => {
  assert.deepEqual(webhookErrors, []);
  assert.equal(received.length, settled.length);
  assert.ok(received.length >= 13, `${received.length} deliveries`);
});

await check("3 issues.opened already carries the labels", async () => {
  const opened = deliveries("issues", "opened").find((d) => d.payload.issue.number === state.bare);
  assert.deepEqual(opened.payload.issue.labels.map((l) => l.name), ["bug"]);
  const labeled = deliveries("issues", "labeled").filter((d) => d.payload.issue.number === state.bare);
  assert.equal(labeled.length, 1);
  const order = received.indexOf(opened) < received.indexOf(labeled[0]);
  assert.ok(order, "opened comes before labeled");
});

await check("9 the push for the new branch has head_commit and a compare URL", async () => {
  const push = deliveries("push").find((d) => d.payload.ref === "refs/heads/feature" && d.payload.created);
  assert.ok(push, "a push for the new branch");
  assert.equal(push.payload.head_commit.id, state.main);
  assert.ok(!push.payload.compare.includes("000000000000"), push.payload.compare);
  assert.ok(push.payload.compare.endsWith("/compare/feature"), push.payload.compare);
});

await check("11 create, pull_request.synchronize, pull_request_review.submitted, milestone.created", async () => {
  const create = deliveries("create").find((d) => d.payload.ref === "feature");
  assert.equal(create.payload.ref_type, "branch");
  assert.equal(create.payload.master_branch, "main");
  const sync = deliveries("pull_request", "synchronize");
  assert.equal(sync.length, 1);
  assert.equal(sync[0].payload.before, state.c1);
  assert.equal(sync[0].payload.after, state.c2);
  assert.equal(sync[0].payload.pull_request.head.sha, state.c2);
  assert.equal(sync[0].payload.pull_request.commits, 2);
  const opened = deliveries("pull_request", "opened");
  assert.equal(opened[0].payload.pull_request.mergeable, null);
  const review = deliveries("pull_request_review", "submitted");
  assert.equal(review.length, 1);
  assert.equal(review[0].payload.review.state, "approved");
  assert.equal(review[0].payload.review.user.login, "ada");
  assert.equal(review[0].payload.pull_request.number, state.pr);
  const milestone = deliveries("milestone", "created");
  assert.equal(milestone[0].payload.milestone.title, "v1.0");
});

server.close();
console.log(`${failed ? "FAILED" : "passed"}: ${failed} failed, ${received.length} webhook deliveries`);
process.exit(failed ? 1 : 0);
