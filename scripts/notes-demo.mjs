// Writes docs/notes-demo.html: a study note that embeds three of the chapter's stages. The
// designs travel in the embeds' fragments (zlib + base64url, as the app encodes them), so rerun
// this after changing designs/stage01, 03 or 05: `node scripts/notes-demo.mjs`.
import { readFileSync, writeFileSync } from 'fs';
import { deflateSync } from 'zlib';

const fragment = (name) => {
  const json = JSON.stringify(JSON.parse(readFileSync(`designs/${name}.json`, 'utf8')));
  return 'v1.c.' + deflateSync(Buffer.from(json), { level: 9 }).toString('base64url');
};
const embed = (id, name, options, title) => `<figure>
  <iframe id="${id}" src="embed.html#${fragment(name)}${options}" title="ScaleLab: ${title}" loading="lazy"
    style="width:100%;aspect-ratio:16/10;border:1px solid #d7dae2;border-radius:8px"></iframe>
  <figcaption>${title} — <a href="index.html#${fragment(name)}">ScaleLab에서 열기</a></figcaption>
</figure>`;

const page = `<!DOCTYPE html>
<!-- A study note embedding three stages of ScaleLab; written by scripts/notes-demo.mjs. -->
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="icon.svg" type="image/svg+xml">
<title>공부 노트: 사용자 수에 따른 규모 확장성 (1장)</title>
<style>
  body { font-family: system-ui, "Noto Sans KR", sans-serif; line-height: 1.75; max-width: 860px; margin: 2rem auto; padding: 0 1rem; color: #282830; }
  h1 { font-size: 1.6rem; } h2 { margin-top: 3rem; }
  figure { margin: 1.5rem 0; } figcaption { font-size: 0.9rem; color: #5c6070; }
  .long p { margin: 1.2rem 0; }
</style>
</head>
<body>
<h1>공부 노트: 사용자 수에 따른 규모 확장성</h1>
<p><em>가상 면접 사례로 배우는 대규모 시스템 설계 기초</em> 1장을 읽으며 정리한 노트입니다. 그림 대신 살아 있는
시뮬레이션을 넣었습니다: 화면에 보이면 돌기 시작하고, 스크롤해서 지나가면 멈춥니다.</p>

<h2>1. 단일 서버</h2>
<p>웹 앱, 데이터베이스, 캐시가 모두 서버 한 대에서 돕니다. 트래픽이 50에서 150 req/s로 오르면 처리량이 멈추기 전에
p99 지연이 먼저 치솟습니다. 100초에 서버가 죽으면 모든 요청이 실패합니다: 단일 장애 지점(SPOF)입니다.</p>
${embed('embed-stage1', 'stage01-single-server', '&traffic=1', '1단계: 단일 서버')}

<div class="long">
<p>수직 확장(scale up)은 서버를 더 좋은 것으로 바꾸는 것입니다. 간단하지만 한계가 있습니다: CPU와 메모리를 무한히
늘릴 수 없고, 장애 조치(failover)나 다중화가 없어 서버 한 대가 죽으면 서비스 전체가 멈춥니다.</p>
<p>수평 확장(scale out)은 서버를 더 추가하는 것입니다. 대규모 애플리케이션에는 이쪽이 적합합니다. 그러려면 사용자가
어느 서버에 붙을지 정해 주는 로드밸런서가 필요합니다.</p>
<p>로드밸런서는 공개 IP 주소로 요청을 받고, 웹 서버와는 사설 IP로 통신합니다. 웹 서버 하나가 죽으면 트래픽은 남은
서버로 갑니다. 다만 헬스 체크가 죽은 서버를 알아차리기 전까지 그 서버로 간 요청은 실패합니다.</p>
<p>아래 임베드에서 web1 장애 버튼을 눌러 보세요. 헬스 체크 간격과 임계값이 실패한 요청 수를 결정합니다. 최소 연결
정책은 빨리 실패하는 서버를 가장 한가한 서버로 착각해 오히려 더 많은 요청을 보냅니다.</p>
</div>

<h2>2. 로드밸런서</h2>
${embed('embed-stage3', 'stage03-load-balancer', '&chart=throughput&faults=web1', '3단계: 로드밸런서')}

<div class="long">
<p>데이터베이스 읽기가 병목이 되면 캐시를 둡니다. 캐시는 자주 읽는 데이터를 메모리에 두어 데이터베이스 부하를 줄입니다.
읽기가 쓰기보다 훨씬 많을 때 효과가 큽니다.</p>
<p>캐시를 쓸 때 생각할 것: 언제 쓸지, 만료 정책(TTL), 일관성(데이터 저장소와 캐시의 사본을 어떻게 맞출지), 장애
대응(캐시 서버 하나가 SPOF가 되지 않게), 메모리 크기, 방출 정책(LRU, LFU, FIFO).</p>
<p>쓰기 때 캐시를 무효화하고 미스가 주 데이터베이스에서 읽으면 낡은 읽기(stale read)는 없습니다. 부 데이터베이스에서
채우면 복제 지연만큼 낡은 값이 캐시에 들어갑니다.</p>
<p>아래 5단계는 초당 10 000 요청을 받는 설계입니다. 적중률은 약 0.70입니다.</p>
</div>

<h2>3. 캐시</h2>
${embed('embed-stage5', 'stage05-cache', '&chart=hit-ratio', '5단계: 캐시')}

<p>다음 노트: CDN과 무상태 웹 계층.</p>
</body>
</html>
`;
writeFileSync('docs/notes-demo.html', page);
