// MathJax settings for pymdownx.arithmatex (generic mode): $...$ and $$...$$.
window.MathJax = {
  tex: {
    // $...$ and $$...$$ are read only in notebook markdown (jp-RenderedMarkdown):
    // arithmatex gives \(...\) and \[...\], and every other element is ignored.
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown",
  },
};
document$.subscribe(() => {
  MathJax.typesetPromise();
});
