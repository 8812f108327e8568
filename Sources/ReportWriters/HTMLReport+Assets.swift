import Crypto
import Foundation

/// The page's inline style and script. The script only sorts and filters the findings table; without it the
/// page shows everything, unsorted.
extension HTMLReport {
    static let css = """
        :root{--error:#b42318;--error-bg:#fee4e2;--warning:#93370d;--warning-bg:#fef0c7;--note:#175cd3;--note-bg:#d1e9ff;
        --ok:#067647;--ok-bg:#dcfae6;--line:#d0d5dd;--muted:#475467;--code-bg:#f6f8fa}
        *{box-sizing:border-box}
        body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#101828;margin:0 auto;max-width:1200px;padding:0 24px 48px}
        header{border-bottom:1px solid var(--line);padding:16px 0 8px}
        h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px}h3{font-size:16px;margin:16px 0 8px}
        nav a{margin-right:16px;color:var(--note)}
        code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        code{background:var(--code-bg);padding:1px 4px;border-radius:4px;overflow-wrap:break-word}
        #findings-table td:nth-child(-n+2),#findings-table td:nth-child(4){white-space:nowrap}
        #findings-table td:nth-child(3) code,#findings-table td:nth-child(5) code{overflow-wrap:anywhere}
        #findings-table td:nth-child(3),#findings-table td:nth-child(5){min-width:11em}
        #findings-table td:last-child{min-width:30%}
        table{border-collapse:collapse;width:100%;margin:8px 0}
        th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
        th{background:#f9fafb;font-weight:600;white-space:nowrap}
        th button{font:inherit;background:none;border:0;padding:0;cursor:pointer}
        th button::after{content:" \\2195";color:var(--muted)}
        td.num{text-align:right;font-variant-numeric:tabular-nums}
        .verdict{font-weight:600;padding:2px 8px;border-radius:6px}
        .verdict.fail{color:var(--error);background:var(--error-bg)}.verdict.pass{color:var(--ok);background:var(--ok-bg)}
        .cards{display:flex;gap:12px;flex-wrap:wrap}
        .bar{display:inline-block;height:10px;vertical-align:middle}.bar.error{background:var(--error)}
        .bar.warning{background:var(--warning)}.bar.note{background:var(--note)}
        #disclosure summary h2{display:inline}
        .card{border-radius:8px;padding:12px 20px;min-width:140px;border:1px solid var(--line)}
        .card b{font-size:28px;display:block}
        .card.error{background:var(--error-bg);color:var(--error)}.card.warning{background:var(--warning-bg);color:var(--warning)}
        .card.note{background:var(--note-bg);color:var(--note)}
        .badge{display:inline-block;min-width:64px;text-align:center;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
        .badge.error{background:var(--error-bg);color:var(--error)}.badge.warning{background:var(--warning-bg);color:var(--warning)}
        .badge.note{background:var(--note-bg);color:var(--note)}
        .matrix td{font-size:13px}
        .matrix td.leak,span.leak{background:var(--error-bg);color:var(--error);font-weight:600}
        .matrix td.seen{background:var(--ok-bg)}.matrix td.unsure{background:var(--warning-bg)}
        .matrix td.unseen{color:var(--muted)}
        .matrix tr.unknown td:first-child{font-style:italic}
        .forbidden{color:var(--muted)}
        .unreadable{color:var(--error);font-weight:600}
        .skipped{color:var(--muted)}
        #filters{display:flex;gap:16px;align-items:center;flex-wrap:wrap;margin:8px 0}
        #filters input[type=search]{font:inherit;padding:2px 6px;border:1px solid var(--line);border-radius:4px}
        article.message{border:1px solid var(--line);border-radius:8px;padding:4px 16px 12px;margin:16px 0}
        article.message:target{outline:3px solid var(--note)}
        article.message small{color:var(--muted);font-weight:normal}
        ul.findings{padding-left:20px}ul.findings li{margin:4px 0}
        .correlator{color:var(--muted);margin:0}
        pre.json{background:var(--code-bg);padding:12px;border-radius:6px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
        mark{border-radius:3px;padding:0 2px}
        mark.error{background:#fecdca;outline:1px solid var(--error)}mark.warning{background:#fedf89}mark.note{background:#b2ddff}
        mark:target{outline:3px solid var(--note)}
        .nocontent,.cut{color:var(--muted);font-style:italic}
        details>summary{cursor:pointer}details>summary h3{display:inline-block}
        footer{margin-top:48px;color:var(--muted);font-size:13px}
        @media print{nav,#filters{display:none}article.message{break-inside:avoid}}
        """

    static let script = """
        (function(){
        var table=document.getElementById('findings-table');if(!table)return;
        var body=table.tBodies[0],boxes=document.querySelectorAll('#filters input[type=checkbox]');
        var text=document.getElementById('filter-text'),shown=document.getElementById('shown-count');
        function apply(){var on={},q=text.value.toLowerCase(),n=0;
        boxes.forEach(function(b){on[b.value]=b.checked;});
        Array.prototype.forEach.call(body.rows,function(r){
        r.hidden=!(on[r.dataset.severity]&&(!q||r.textContent.toLowerCase().indexOf(q)>=0));if(!r.hidden)n++;});
        shown.textContent=n;}
        boxes.forEach(function(b){b.addEventListener('change',apply);});text.addEventListener('input',apply);
        table.querySelectorAll('th button').forEach(function(button,col){button.addEventListener('click',function(){
        var dir=button.dataset.dir==='asc'?-1:1;button.dataset.dir=dir===1?'asc':'desc';
        var rows=Array.prototype.slice.call(body.rows);
        function key(r){var c=r.cells[col];return c.dataset.key!==undefined?c.dataset.key:c.textContent;}
        rows.sort(function(a,b){return dir*key(a).localeCompare(key(b),undefined,{numeric:true});});
        rows.forEach(function(r){body.appendChild(r);});});});
        })();
        """

    /// The CSP source that allows exactly the inline script above and no other.
    static let scriptHash = "sha256-" + Data(SHA256.hash(data: Array(script.utf8))).base64EncodedString()
}
