// Meshport's page: the session's keys live (one server-sent event stream), the selected meshes drawn
// with three.js from the binary geometry endpoint, and the node graph beside them. Everything comes
// from this page's own origin (see the Content-Security-Policy the host sends).
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';

const $ = (id) => document.getElementById(id);
const MAX_ROWS = 1000;
const OWNER = ['point', 'vertex', 'face', 'detail'];
// Larger meshes come as a preview: every k-th point, thinned by the host (the address may ask another limit).
const PREVIEW_POINTS = Number(new URLSearchParams(location.search).get('previewPoints')) || 2000000;

// What tests and the benchmark read: frames drawn, and when each key's version first appeared.
const stats = { frames: 0, shown: {}, errors: [], connected: false, snapshots: 0, reconnects: 0 };
window.meshport = { stats };
// A request the page's policy blocked would be a request to another origin: count it as an error.
document.addEventListener('securitypolicyviolation', (e) => stats.errors.push('blocked by the page\'s policy: ' + e.blockedURI));

// ------------------------------------------------------------------ state

const entries = new Map();   // key -> entry as the list shows it (under the prefix)
const drawn = new Map();     // key -> { version, object, bounds, loading, wanted }
window.meshport.objectType = (key) => (drawn.get(key) && drawn.get(key).object ? drawn.get(key).object.type : null);
const params = new URLSearchParams(location.search);
let prefix = params.get('prefix') || '';
let selectedKey = null;
let events = null;
let fitPending = true;
let reconnectDelay = 1000;  // after the host refused the event stream (see connect)
let reconnectTimer = 0;

// ------------------------------------------------------------------ three.js

const canvas = $('canvas');
const renderer = new THREE.WebGLRenderer({ canvas, antialias: true });
renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
renderer.setClearColor(0x24272d);
const scene = new THREE.Scene();
const camera = new THREE.PerspectiveCamera(45, 1, 0.01, 1000);
camera.position.set(3, 3, 3);
scene.add(camera);
scene.add(new THREE.HemisphereLight(0xffffff, 0x30323a, 0.55));
const sun = new THREE.DirectionalLight(0xffffff, 1.0);
sun.position.set(0.5, 1, 0.8);
camera.add(sun);  // the light follows the view, so that every side is lit when orbiting
const controls = new OrbitControls(camera, canvas);
controls.addEventListener('change', requestRender);

let renderQueued = false;
function requestRender() {
  if (!renderQueued) {
    renderQueued = true;
    requestAnimationFrame(renderNow);
  }
}

function renderNow() {
  renderQueued = false;
  resize();
  const t0 = performance.now();
  renderer.render(scene, camera);
  stats.lastRender = { started: t0, ended: performance.now() };
  if (stats.frames++ === 0) stats.firstFrame = performance.now();
  const fresh = [];
  for (const [key, d] of drawn) {
    if (d.object && (!stats.shown[key] || stats.shown[key].version !== d.version)) {
      fresh.push([key, d.version]);
    }
  }
  if (fresh.length) {
    // Recorded at the next frame, once the browser has put this one on the screen.
    requestAnimationFrame(() => {
      const now = performance.now();
      for (const [key, version] of fresh) {
        stats.shown[key] = { version, at: now, epochMs: performance.timeOrigin + now };
      }
    });
  }
}

function resize() {
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.floor(w * renderer.getPixelRatio()) || canvas.height !== Math.floor(h * renderer.getPixelRatio())) {
    renderer.setSize(w, h, false);
    camera.aspect = w / Math.max(h, 1);
    camera.updateProjectionMatrix();
  }
}
new ResizeObserver(requestRender).observe(canvas);

// ------------------------------------------------------------------ geometry

/** Reads the host's binary mesh format (see MeshFormat.java): views on the buffer, no copies. */
function parseMesh(buffer) {
  const dv = new DataView(buffer);
  const magic = String.fromCharCode(dv.getUint8(0), dv.getUint8(1), dv.getUint8(2), dv.getUint8(3));
  if (magic !== 'MPMS' || dv.getUint32(4, true) !== 1) throw new Error('not a Meshport mesh (format ' + magic + ')');
  const headerBytes = dv.getUint32(8, true);
  const mesh = {
    points: dv.getUint32(12, true), vertices: dv.getUint32(16, true), faces: dv.getUint32(20, true),
    bounds: [0, 1, 2, 3, 4, 5].map((i) => dv.getFloat32(28 + 4 * i, true)),
    version: dv.getFloat64(52, true), attributes: {},
  };
  const blocks = dv.getUint32(24, true);
  const names = new TextDecoder();
  let at = 60, data = headerBytes;
  for (let i = 0; i < blocks; i++) {
    const role = dv.getUint8(at), type = dv.getUint8(at + 1), owner = dv.getUint8(at + 2), size = dv.getUint8(at + 3);
    const count = dv.getUint32(at + 4, true), nameLength = dv.getUint16(at + 8, true);
    const name = names.decode(new Uint8Array(buffer, at + 10, nameLength));
    at += (10 + nameLength + 3) & ~3;
    // Typed arrays use the machine's byte order: little-endian on every platform browsers run on.
    const array = type === 0 ? new Float32Array(buffer, data, count) : new Int32Array(buffer, data, count);
    data += 4 * count;
    if (role === 0) mesh.positions = array;
    else if (role === 1) mesh.indices = array;
    else if (role === 2) mesh.faceCounts = array;
    else mesh.attributes[name] = { array, owner: OWNER[owner], size, floats: type === 0 };
  }
  return mesh;
}

/** Float values of an attribute; int colours (0..255) become 0..1. */
function floatsOf(a) {
  if (a.floats) return a.array;
  const f = new Float32Array(a.array.length);
  for (let i = 0; i < f.length; i++) f[i] = a.array[i] / 255;
  return f;
}

/** Triangles of the vertex list: as they are, or polygons fanned from their first vertex. */
function triangleCorners(mesh) {
  if (!mesh.faceCounts) return { corners: null, triangles: mesh.indices.length / 3 };
  const triangles = mesh.vertices - 2 * mesh.faces;
  const corners = new Uint32Array(3 * triangles);
  const faceOf = new Uint32Array(triangles);
  let t = 0, start = 0;
  for (let f = 0; f < mesh.faceCounts.length; f++) {
    const n = mesh.faceCounts[f];
    for (let k = 1; k < n - 1; k++, t++) {
      corners[3 * t] = start; corners[3 * t + 1] = start + k; corners[3 * t + 2] = start + k + 1;
      faceOf[t] = f;
    }
    start += n;
  }
  return { corners, faceOf, triangles };
}

function buildObject(mesh) {
  const geometry = new THREE.BufferGeometry();
  const cd = mesh.attributes.Cd, n = mesh.attributes.N;
  const colour = cd && cd.owner !== 'detail' && (cd.size === 3 || cd.size === 4);
  const uniform = cd && cd.owner === 'detail' ? floatsOf(cd) : null;
  const base = uniform ? new THREE.Color(uniform[0], uniform[1], uniform[2]) : new THREE.Color(0xb8bcc4);
  if (!mesh.indices) {  // a point cloud
    geometry.setAttribute('position', new THREE.BufferAttribute(mesh.positions, 3));
    if (colour && cd.owner === 'point') geometry.setAttribute('color', new THREE.BufferAttribute(floatsOf(cd), cd.size));
    // Points a little darker than their Cd: scattered on a surface they carry its colours, and would vanish in it.
    const material = new THREE.PointsMaterial({ size: 3, sizeAttenuation: false, vertexColors: colour && cd.owner === 'point',
      color: colour ? 0x999999 : (uniform ? base : 0xffc040) });
    return new THREE.Points(geometry, material);
  }
  const perCorner = (cd && (cd.owner === 'vertex' || cd.owner === 'face')) || (n && (n.owner === 'vertex' || n.owner === 'face'));
  const { corners, faceOf, triangles } = triangleCorners(mesh);
  if (!perCorner) {
    // The stored arrays as they are: positions, Cd and N per point, the vertex list as the index.
    geometry.setAttribute('position', new THREE.BufferAttribute(mesh.positions, 3));
    let index;
    if (corners) {
      index = new Uint32Array(corners.length);
      for (let i = 0; i < corners.length; i++) index[i] = mesh.indices[corners[i]];
    } else {
      index = new Uint32Array(mesh.indices.buffer, mesh.indices.byteOffset, mesh.indices.length);
    }
    geometry.setIndex(new THREE.BufferAttribute(index, 1));
    if (colour) geometry.setAttribute('color', new THREE.BufferAttribute(floatsOf(cd), cd.size));
    if (n && n.owner === 'point' && n.size === 3) geometry.setAttribute('normal', new THREE.BufferAttribute(floatsOf(n), 3));
    else geometry.computeVertexNormals();
  } else {
    // Colours or normals per vertex or per face: one copy of each triangle corner.
    const p = new Float32Array(9 * triangles);
    const c = colour ? new Float32Array(3 * 3 * triangles) : null;
    const nn = n && n.size === 3 && n.owner !== 'detail' ? new Float32Array(9 * triangles) : null;
    const cf = colour ? floatsOf(cd) : null, nf = nn ? floatsOf(n) : null;
    const pick = (a, owner, point, vertex, face) => owner === 'point' ? point : owner === 'vertex' ? vertex : face;
    for (let t = 0; t < triangles; t++) {
      const face = faceOf ? faceOf[t] : t;
      for (let k = 0; k < 3; k++) {
        const vertex = corners ? corners[3 * t + k] : 3 * t + k;
        const point = mesh.indices[vertex];
        const o = 9 * t + 3 * k;
        p[o] = mesh.positions[3 * point]; p[o + 1] = mesh.positions[3 * point + 1]; p[o + 2] = mesh.positions[3 * point + 2];
        if (c) {
          const s = pick(cf, cd.owner, point, vertex, face) * cd.size;
          c[o] = cf[s]; c[o + 1] = cf[s + 1]; c[o + 2] = cf[s + 2];
        }
        if (nn) {
          const s = pick(nf, n.owner, point, vertex, face) * 3;
          nn[o] = nf[s]; nn[o + 1] = nf[s + 1]; nn[o + 2] = nf[s + 2];
        }
      }
    }
    geometry.setAttribute('position', new THREE.BufferAttribute(p, 3));
    if (c) geometry.setAttribute('color', new THREE.BufferAttribute(c, 3));
    if (nn) geometry.setAttribute('normal', new THREE.BufferAttribute(nn, 3));
    else geometry.computeVertexNormals();
  }
  const material = new THREE.MeshLambertMaterial({ vertexColors: !!colour, color: colour ? 0xffffff : base, side: THREE.DoubleSide,
    wireframe: $('wireframe').checked });
  return new THREE.Mesh(geometry, material);
}

function dispose(object) {
  if (!object) return;
  scene.remove(object);
  object.geometry.dispose();
  object.material.dispose();
}

/** Reads a response's body as it arrives, saying how far it got when it is large. */
async function readBody(response, key) {
  const total = Number(response.headers.get('Content-Length')) || 0;
  if (!response.body || total < 8e6) return response.arrayBuffer();
  const bytes = new Uint8Array(total);
  const reader = response.body.getReader();
  let at = 0, said = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > total) throw new Error(key + ': the host sent more than it announced');
    bytes.set(value, at);
    at += value.length;
    if (performance.now() - said > 200) {
      said = performance.now();
      message('loading ' + key + ': ' + (at / 1e6).toFixed(1) + ' of ' + (total / 1e6).toFixed(1) + ' MB');
    }
  }
  if (at !== total) throw new Error(key + ': the answer ended after ' + at + ' of ' + total + ' bytes');
  return bytes.buffer;
}

/** Loads a drawn key's mesh, at most one request at a time per key; a newer version asked meanwhile follows. */
async function load(key) {
  const d = drawn.get(key);
  if (!d || d.loading) return;
  d.loading = true;
  let retry = true;
  try {
    const started = performance.now();
    const response = await fetch('/api/mesh?key=' + encodeURIComponent(key) + '&maxPoints=' + PREVIEW_POINTS, { cache: 'no-store' });
    if (!response.ok) {
      const e = await response.json().catch(() => ({ message: response.statusText }));
      // Not again at once: a missing key comes back with its put event; a host busy updating one of
      // its bundles (503) is asked again in a second.
      retry = false;
      if (response.status === 503) setTimeout(() => { if (drawn.get(key) === d) load(key); }, 1000);
      if (response.status === 409) {  // not a mesh: show its preview instead
        drawn.delete(key);
        select(key);
      }
      throw new Error(key + ': ' + e.message);
    }
    const mesh = parseMesh(await readBody(response, key));
    const fetched = performance.now();
    const stride = Number(response.headers.get('X-Meshport-Preview') || 0);
    d.preview = stride ? { stride, shown: mesh.points, points: Number(response.headers.get('X-Meshport-Points')),
      faces: Number(response.headers.get('X-Meshport-Faces')) } : null;
    if (!drawn.has(key)) return;  // undrawn meanwhile
    const object = buildObject(mesh);
    stats.lastLoad = { key, version: mesh.version, started, fetched, built: performance.now() };
    dispose(d.object);
    d.object = object;
    d.version = mesh.version;
    d.bounds = mesh.bounds;
    scene.add(object);
    if (fitPending) fit();
    message('');
    requestRender();
  } catch (e) {
    retry = false;
    stats.errors.push(String(e.message || e));
    message(String(e.message || e));
  } finally {
    d.loading = false;
    if (retry && drawn.get(key) === d && d.wanted > (d.version || 0)) load(key);
  }
  showDrawn();
}

function draw(key, on) {
  if (on && !drawn.has(key)) {
    drawn.set(key, { version: 0, object: null, loading: false, wanted: 1 });
    fitPending = true;
    load(key);
  } else if (!on && drawn.has(key)) {
    dispose(drawn.get(key).object);
    drawn.delete(key);
    requestRender();
  }
  showDrawn();
  remember();
  renderList();
}

/** A key changed: a drawn one redraws in place (the camera stays where it is). */
function changed(key, version) {
  const d = drawn.get(key);
  if (d && version > (d.version || 0)) {
    d.wanted = Math.max(d.wanted || 0, version);
    load(key);
  }
}

function fit() {
  const box = new THREE.Box3();
  for (const d of drawn.values()) {
    if (d.bounds) box.union(new THREE.Box3(new THREE.Vector3(d.bounds[0], d.bounds[1], d.bounds[2]), new THREE.Vector3(d.bounds[3], d.bounds[4], d.bounds[5])));
  }
  if (box.isEmpty()) return;
  fitPending = false;
  const center = box.getCenter(new THREE.Vector3());
  const radius = Math.max(box.getSize(new THREE.Vector3()).length() / 2, 1e-3);
  const distance = radius / Math.sin(THREE.MathUtils.degToRad(camera.fov / 2)) * 1.05;
  const direction = new THREE.Vector3(0.55, 0.6, 0.85).normalize();
  camera.position.copy(center).addScaledVector(direction, distance);
  camera.near = distance / 1000;
  camera.far = distance * 10;
  camera.updateProjectionMatrix();
  controls.target.copy(center);
  controls.update();
  requestRender();
}

function showDrawn() {
  const keys = [...drawn.keys()];
  $('drawn').textContent = keys.length ? keys.map((k) => k + (drawn.get(k).version ? ' v' + drawn.get(k).version : ' …')
    + previewLabel(drawn.get(k).preview)).join(', ') : 'tick keys to draw them';
}

/** Says that a key is drawn as a preview, with the mesh's true counts. */
function previewLabel(p) {
  if (!p) return '';
  const n = (x) => x.toLocaleString('en-US');
  return ' (preview: ' + n(p.shown) + ' of ' + n(p.points) + ' points, 1 in ' + n(p.stride)
    + (p.faces ? '; ' + n(p.faces) + ' faces not drawn' : '') + ')';
}

/** Keeps the drawn keys and the prefix in the address, so that it can be shared or reloaded. */
function remember() {
  const q = new URLSearchParams();
  if (prefix) q.set('prefix', prefix);
  for (const k of drawn.keys()) q.append('key', k);
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
}

function message(text) {
  $('message').hidden = !text;
  $('message').textContent = text;
}

// ------------------------------------------------------------------ the key list

let listQueued = false;
function renderList() {
  if (listQueued) return;
  listQueued = true;
  requestAnimationFrame(() => {
    listQueued = false;
    const body = document.createElement('tbody');
    const keys = [...entries.keys()].filter((k) => k.startsWith(prefix)).sort();
    for (const key of keys.slice(0, MAX_ROWS)) body.appendChild(row(entries.get(key)));
    $('list').replaceChild(body, $('list').tBodies[0]);
    $('more').textContent = keys.length > MAX_ROWS ? (keys.length - MAX_ROWS) + ' more keys: narrow the prefix' : (keys.length ? '' : 'no keys' + (prefix ? ' under ' + prefix : ''));
  });
}

function row(e) {
  const tr = document.createElement('tr');
  tr.dataset.key = e.key;
  if (drawn.has(e.key)) tr.classList.add('drawn');
  if (e.key === selectedKey) tr.classList.add('selected');
  const s = e.summary || {};
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = drawn.has(e.key);
  box.disabled = e.kind !== 'mesh';
  box.title = e.kind === 'mesh' ? 'draw ' + e.key : 'not a mesh';
  box.addEventListener('change', () => draw(e.key, box.checked));
  const cells = [box, e.key, e.kind, s.points ?? '', s.faces ?? '', (s.attributes || []).join(' '), e.version,
    new Date(e.updated).toLocaleTimeString()];
  cells.forEach((c, i) => {
    const td = document.createElement('td');
    if (c instanceof Node) td.appendChild(c); else td.textContent = String(c);
    if (i === 1) { td.className = 'key'; td.title = e.key; td.addEventListener('click', () => select(e.key)); }
    if (i === 3 || i === 4 || i === 6) td.classList.add('num');
    tr.appendChild(td);
  });
  return tr;
}

async function select(key) {
  selectedKey = key;
  renderList();
  $('preview').hidden = false;
  $('preview-key').textContent = key;
  $('preview-text').textContent = '…';
  try {
    const r = await fetch('/api/entry?key=' + encodeURIComponent(key), { cache: 'no-store' });
    const e = await r.json();
    if (!r.ok) throw new Error(e.message);
    $('preview-text').textContent = e.kind + ' via ' + e.codec + ', ' + e.bytes + ' bytes, version ' + e.version + '\n'
      + JSON.stringify(e.summary) + (e.preview != null ? '\n\n' + e.preview : '');
  } catch (err) {
    $('preview-text').textContent = String(err.message || err);
  }
}

// ------------------------------------------------------------------ the event stream

function connect() {
  if (events) events.close();
  events = new EventSource('/api/events?prefix=' + encodeURIComponent(prefix));
  events.addEventListener('snapshot', (m) => {
    const s = JSON.parse(m.data);
    entries.clear();
    for (const e of s.entries) entries.set(e.key, e);
    stats.connected = true;
    stats.snapshots++;
    status('live: ' + s.total + ' key' + (s.total === 1 ? '' : 's') + (prefix ? ' under ' + prefix : '') + (s.truncated ? ' (first ' + s.entries.length + ' listed)' : ''));
    renderList();
    for (const [key, d] of drawn) {  // after a reconnect: catch up with what changed meanwhile
      const e = entries.get(key);
      if (!d.object || !e || e.version > d.version) { d.wanted = Math.max(d.wanted || 0, e ? e.version : (d.version || 0) + 1); load(key); }
    }
    refreshNodesSoon();
  });
  events.addEventListener('put', (m) => {
    const e = JSON.parse(m.data);
    stats.lastEvent = { key: e.key, version: e.version, at: performance.now() };
    if (e.key.startsWith(prefix)) {
      const old = entries.get(e.key);
      if (!old || old.version < e.version) { entries.set(e.key, e); renderList(); }
    }
    changed(e.key, e.version);
    if (nodeKeys.has(e.key)) refreshNodesSoon();
  });
  events.addEventListener('delete', (m) => {
    const e = JSON.parse(m.data);
    const old = entries.get(e.key);
    if (old && old.version < e.version) { entries.delete(e.key); renderList(); }
    if (drawn.has(e.key)) { dispose(drawn.get(e.key).object); drawn.get(e.key).object = null; requestRender(); }
  });
  events.addEventListener('open', () => { reconnectDelay = 1000; });
  events.onerror = () => {
    stats.connected = false;
    if (events.readyState !== EventSource.CLOSED) {
      status('reconnecting…', true);  // the browser retries a dropped stream by itself
      return;
    }
    // The browser gives a stream up for good when the host answers with an error instead of a stream,
    // as it does for a moment while one of its bundles is updated (503) or when the page's servlets
    // are not registered yet (404). Come back by ourselves, more slowly each time (at most every 10 s),
    // and say why when the host wants its token.
    const stream = events;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(async () => {
      if (events !== stream) return;  // the prefix changed meanwhile: a new stream is open already
      let why = 'host unavailable';
      try {
        const r = await fetch('/api/nodes', { cache: 'no-store' });
        if (r.status === 401) why = 'the host asks for its token: add ?token=TOKEN to this address once (the host\'s output says which file holds it)';
      } catch (e) {
        why = 'host unreachable';
      }
      status(why + '; retrying…', true);
      if (events === stream) connect();
    }, reconnectDelay);
    stats.reconnects++;
    reconnectDelay = Math.min(reconnectDelay * 2, 10000);
    status('disconnected; retrying…', true);
  };
}

function status(text, bad) {
  $('status').textContent = text;
  $('status').classList.toggle('bad', !!bad);
}

let prefixTimer = 0;
$('prefix').value = prefix;
$('prefix').addEventListener('input', () => {
  clearTimeout(prefixTimer);
  prefixTimer = setTimeout(() => { prefix = $('prefix').value; remember(); connect(); }, 250);
});
$('wireframe').addEventListener('change', () => {
  for (const d of drawn.values()) if (d.object && d.object.isMesh) d.object.material.wireframe = $('wireframe').checked;
  requestRender();
});
$('fit').addEventListener('click', fit);

// ------------------------------------------------------------------ the node panel

let nodeState = { available: false, types: [], nodes: [] };
let selectedNode = null;
const nodeKeys = new Set();   // keys the nodes read or publish: a change of one refreshes the panel
let nodesTimer = 0;

function refreshNodesSoon() {
  clearTimeout(nodesTimer);
  nodesTimer = setTimeout(refreshNodes, 150);
}

async function refreshNodes() {
  try {
    const r = await fetch('/api/nodes', { cache: 'no-store' });
    nodeState = await r.json();
  } catch (e) {
    nodeState = { available: false, message: String(e) };
  }
  nodeKeys.clear();
  for (const n of nodeState.nodes || []) {
    if (n.outputKey) nodeKeys.add(n.outputKey);
    for (const k of Object.keys(n.sessionKeys || {})) nodeKeys.add(k);
  }
  renderNodes();
}

async function post(action, body) {
  const r = await fetch('/api/nodes/' + action, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const v = await r.json().catch(() => ({ message: r.statusText }));
  if (!r.ok) throw new Error(v.message || r.statusText);
  return v;
}

function renderNodes() {
  const list = $('node-list');
  list.textContent = '';
  $('create').hidden = !nodeState.available;
  if (!nodeState.available) {
    list.textContent = nodeState.message || 'no node graph';
    $('node-detail').textContent = '';
    $('node-detail').dataset.path = '';
    return;
  }
  const select = $('create-type');
  const types = nodeState.types.map((t) => t.type).filter((t) => t !== 'network');
  if (select.dataset.types !== types.join(',')) {  // rebuilt only when the types change, not under the user's hand
    const current = select.value;
    select.textContent = '';
    for (const t of types) {
      const o = document.createElement('option');
      o.value = o.textContent = t;
      select.appendChild(o);
    }
    select.dataset.types = types.join(',');
    if (current && types.includes(current)) select.value = current;
  }
  const leaves = nodeState.nodes.filter((n) => n.type !== 'network');
  if (!leaves.length) list.innerHTML = '<p class="muted">no nodes yet: create one below</p>';
  for (const n of leaves) {
    const div = document.createElement('div');
    div.className = 'node' + (n.path === selectedNode ? ' selected' : '');
    div.dataset.path = n.path;
    div.textContent = n.path + ' ';
    const type = document.createElement('span');
    type.className = 'muted';
    type.textContent = n.type;
    const state = document.createElement('span');
    state.className = 'state ' + n.state;
    state.textContent = n.state.toLowerCase();
    div.append(type, state);
    if (n.error) {
      const e = document.createElement('div');
      e.className = 'error';
      e.textContent = n.error;
      div.appendChild(e);
    }
    div.addEventListener('click', () => { selectedNode = n.path; renderNodes(); });
    list.appendChild(div);
  }
  renderNodeDetail();
}

function renderNodeDetail() {
  const box = $('node-detail');
  const n = nodeState.nodes.find((x) => x.path === selectedNode);
  if (!n) { box.textContent = ''; box.dataset.path = ''; return; }
  if (box.dataset.path === n.path) {
    // The same node: refresh what changed, but never the field being typed in.
    for (const row of box.querySelectorAll('label.parm')) {
      const input = row.querySelector('input, select');
      if (input === document.activeElement || row.dataset.dirty) continue;
      setField(input, row.dataset.type, n.parms[row.dataset.parm]);
    }
    $('node-info').textContent = nodeInfo(n);
    return;
  }
  box.textContent = '';
  box.dataset.path = n.path;
  const type = nodeState.types.find((t) => t.type === n.type);
  const h = document.createElement('h2');
  h.textContent = n.path;
  box.appendChild(h);
  for (const t of (type ? type.parms : [])) box.appendChild(parmField(n, t));
  const actions = document.createElement('div');
  actions.className = 'actions';
  const cook = button('cook', async () => {
    try {
      const r = await post('cook', { path: n.path });
      $('node-error').textContent = '';
      showCook(latest(n), r);
    } catch (e) { $('node-error').textContent = e.message; }
    refreshNodes();
  });
  cook.id = 'cook';
  const show = button('draw output over source', () => drawNode(latest(n)));
  const remove = button('delete', async () => {
    try { await post('delete', { path: n.path }); selectedNode = null; } catch (e) { $('node-error').textContent = e.message; }
    refreshNodes();
  });
  actions.append(cook, show, remove);
  box.appendChild(actions);
  const info = document.createElement('p');
  info.className = 'muted';
  info.id = 'node-info';
  info.textContent = nodeInfo(n);
  box.appendChild(info);
}

/** The panel keeps its fields while the node changes: ask for the node as the graph last said it is. */
function latest(n) {
  return nodeState.nodes.find((x) => x.path === n.path) || n;
}

function nodeInfo(n) {
  return 'cooked ' + n.cookCount + '×' + (n.lastCookMillis ? ', last ' + n.lastCookMillis.toFixed(1) + ' ms' : '')
    + (n.outputKey ? ' → ' + n.outputKey + ' v' + n.outputVersion : '');
}

function setField(input, type, value) {
  if (type === 'toggle') input.checked = !!value;
  else if (type === 'vector') input.value = (value || []).join(', ');
  else input.value = value ?? '';
}

function button(text, action) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', action);
  return b;
}

function showCook(n, r) {
  $('node-error').textContent = '';
  const info = $('node-info');
  if (info) info.textContent = (r.recooked ? 'cooked: ' : 'up to date: ') + r.points + ' points, ' + r.faces + ' faces'
    + (r.recooked ? ' in ' + r.millis.toFixed(1) + ' ms' : '') + (r.outputKey ? ' → ' + r.outputKey + ' v' + r.outputVersion : '');
  if (r.outputKey) drawNode({ ...n, outputKey: r.outputKey });
}

/** Draws a node's source key (a text parameter naming a mesh in the session) with its output on top. */
function drawNode(n) {
  const source = n.parms && typeof n.parms.source === 'string' ? n.parms.source : null;
  if (source && entries.has(source) ? entries.get(source).kind === 'mesh' : !!source) draw(source, true);
  if (n.outputKey) draw(n.outputKey, true);
}

function parmField(n, t) {
  const row = document.createElement('label');
  row.className = 'parm';
  row.dataset.parm = t.name;
  row.dataset.type = t.type;
  const name = document.createElement('span');
  name.textContent = t.label || t.name;
  name.title = t.help || t.name;
  const value = n.parms[t.name];
  let input;
  if (t.type === 'toggle') {
    input = document.createElement('input');
    input.type = 'checkbox';
    input.checked = !!value;
  } else if (t.type === 'menu') {
    input = document.createElement('select');
    for (const item of t.items) { const o = document.createElement('option'); o.value = o.textContent = item; input.appendChild(o); }
    input.value = value;
  } else {
    input = document.createElement('input');
    input.type = 'text';
    input.spellcheck = false;
    input.value = t.type === 'vector' ? (value || []).join(', ') : value ?? '';
  }
  input.name = t.name;
  const error = document.createElement('p');
  error.className = 'error';
  input.addEventListener('input', () => { row.dataset.dirty = '1'; });
  input.addEventListener('change', async () => {
    try {
      const node = await post('parm', { path: n.path, name: t.name, value: parmValue(t, input) });
      error.textContent = '';
      delete row.dataset.dirty;
      const i = nodeState.nodes.findIndex((x) => x.path === node.path);
      if (i >= 0) nodeState.nodes[i] = node;
    } catch (e) {
      error.textContent = e.message;  // the graph's own check, word for word
    }
  });
  row.append(name, input, error);
  return row;
}

/** The value typed, as the parameter's type has it; text that is not one goes as it is, for the graph to refuse. */
function parmValue(t, input) {
  if (t.type === 'toggle') return input.checked;
  const text = input.value.trim();
  if (t.type === 'int' || t.type === 'float') return text !== '' && Number.isFinite(Number(text)) ? Number(text) : input.value;
  if (t.type === 'vector') {
    const parts = text.split(/[\s,]+/).filter((s) => s !== '');
    return parts.every((s) => Number.isFinite(Number(s))) ? parts.map(Number) : input.value;
  }
  return input.value;
}

$('create').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    const r = await post('create', { parent: '/obj', type: $('create-type').value, name: $('create-name').value.trim() || null });
    selectedNode = r.path;
    $('create-name').value = '';
    $('node-error').textContent = '';
  } catch (e) {
    $('node-error').textContent = e.message;
  }
  refreshNodes();
});

// ------------------------------------------------------------------ start

for (const key of params.getAll('key')) drawn.set(key, { version: 0, object: null, loading: false, wanted: 1 });
for (const key of drawn.keys()) load(key);
showDrawn();
connect();
refreshNodes();
requestRender();
