/// GA 467 resident-ID readers over a serial line: frames, commands, status codes, the text block (issue 3).
public enum ResidentID {}
