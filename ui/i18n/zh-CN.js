// User-visible strings, 简体中文. The object below is plain JSON (i18n.js reads it as an ES module:
// the webview's CSP allows scripts from 'self' but not fetch()).
export default {
  "app": {
    "title": "长文 Longwen"
  },
  "common": {
    "close": "关闭",
    "cancel": "取消"
  },
  "sidebar": {
    "newChat": "新对话",
    "history": "对话记录",
    "empty": "对话会显示在这里。",
    "untitled": "新对话",
    "delete": "删除对话 {title}",
    "deleteTitle": "删除这个对话？",
    "deleteBody": "“{title}”及其回答将从本机删除。文档仍保留在文档库中。",
    "deleteOk": "删除"
  },
  "docs": {
    "heading": "文档",
    "listLabel": "文档",
    "add": "添加文档",
    "paste": "粘贴文本",
    "dropHint": "将文件拖放到这里，或点击“添加文档”",
    "dropNow": "松开鼠标即可添加文件",
    "formats": "DOCX · PDF · XLSX · TXT · MD · CSV · JSON · EPUB · MOBI",
    "skipped": {
      "other": "文件夹中有 {count} 个文件的类型不受支持，已跳过。"
    },
    "typeText": "粘贴的文本",
    "remove": "移除 {name}",
    "tokens": "约 {n} 个 token",
    "alreadyUploaded": "之前已上传",
    "uploadingName": "正在上传 {name}",
    "state": {
      "checking": "检查中",
      "uploading": "上传中",
      "uploadingPercent": "上传中 {percent}%",
      "reading": "解析中",
      "ready": "就绪",
      "failed": "失败"
    }
  },
  "conv": {
    "label": "对话",
    "question": "问题",
    "placeholder": "就文档内容提问…",
    "send": "发送",
    "stop": "停止",
    "enterHint": "Enter 发送 · Shift+Enter 换行",
    "you": "你",
    "assistant": "长文",
    "streamingStored": "仍在回答…",
    "reading": {
      "other": "正在阅读 {count} 个文档… {time}"
    },
    "thinking": "正在思考… {time}",
    "preparing": "正在准备 {name}… {time}",
    "busyRetry": "服务繁忙，{s} 秒后重试",
    "stillReading": "仍在读取你的文档… {time}",
    "badge": {
      "stopped": "已停止",
      "interrupted": "连接中断 — 回答不完整"
    },
    "interruptedText": "回答完成前连接中断了。可以点击“重新生成”。",
    "tokens": "{n} 个 token",
    "usageDetail": "读取 {prompt} · 生成 {completion}",
    "copy": "复制",
    "copied": "已复制",
    "copyFailed": "复制失败",
    "regenerate": "重新生成"
  },
  "cost": {
    "noDocs": "请先添加文档 — 回答以你附上的文档为依据。",
    "rereads": {
      "other": "每次提问都会完整重新读取全部 {count} 个文档，并按读取量计费。"
    },
    "withLast": {
      "other": "每次提问都会重新读取全部 {count} 个文档：上一次读取了 {n} 个 token（约 ¥{cost}）。"
    }
  },
  "empty": {
    "title": "就你的文档提问",
    "text": "将文档拖放到这里，或点击“添加文档”，然后提出问题。",
    "formats": "支持：Word（DOCX）、PDF、Excel（XLSX）、纯文本、Markdown、CSV、JSON、EPUB 和 MOBI。",
    "tip1": "长文档也没问题 — 300 页的招标文件也会完整阅读。",
    "tip2": "可以用中文或英文提问，例如“乙方逾期交货的违约金怎么计算？”",
    "tip3": "回答会引用文档内容；重要数字请与原文核对。"
  },
  "welcome": {
    "title": "欢迎使用长文",
    "text": "长文使用阿里云通义千问 Qwen-Long 模型阅读你的文档。开始之前，需要先设置 API Key。",
    "step1": "在阿里云百炼控制台创建 API Key。",
    "step2": "打开“设置”并粘贴密钥。密钥保存在系统钥匙串中。",
    "step3": "添加文档，提出第一个问题。",
    "addKey": "设置 API Key",
    "createKey": "前往控制台创建密钥"
  },
  "paste": {
    "heading": "粘贴文本",
    "name": "名称（可选）",
    "namePlaceholder": "例如：会议纪要",
    "text": "文本",
    "estimate": "约 {n} 个 token（粘贴文本上限 {limit}）",
    "empty": "粘贴或输入要提问的文本。",
    "tooLong": "文本超过 {limit} 个 token。请改为作为文件上传 — 读取效果相同。",
    "asFile": "改为作为文件上传",
    "add": "添加文本"
  },
  "settings": {
    "open": "设置",
    "heading": "设置",
    "keyHeading": "API Key",
    "keyHelp": "你的阿里云百炼（DashScope）密钥。它保存在系统钥匙串中，之后不会再显示。",
    "apiKey": "API Key",
    "apiKeyPlaceholder": "sk-…",
    "save": "保存",
    "test": "测试连接",
    "removeKey": "删除密钥",
    "getKey": "获取密钥",
    "keyNone": "尚未保存密钥。",
    "keySaved": "已保存在系统钥匙串中，{masked}",
    "keyEnv": "正在使用环境变量 DASHSCOPE_API_KEY，{masked}",
    "keyEmpty": "请先粘贴 API Key。",
    "keyStored": "密钥已保存。",
    "keyRemoved": "密钥已删除。",
    "testing": "正在测试连接…",
    "testOk": "连接正常，密钥有效。",
    "removeKeyTitle": "删除 API Key？",
    "removeKeyBody": "删除后，在重新添加密钥之前，长文将无法回答问题。",
    "serviceHeading": "服务",
    "region": "地域",
    "regionBeijing": "中国（北京）",
    "regionSingapore": "新加坡",
    "regionUs": "美国（弗吉尼亚）",
    "regionCustom": "自定义地址",
    "customUrl": "服务地址",
    "customUrlPlaceholder": "https://…/compatible-mode/v1",
    "model": "模型",
    "modelDefault": "qwen-long（推荐）",
    "modelLatest": "qwen-long-latest",
    "modelSnapshot": "qwen-long-2025-01-25",
    "snapshotWarning": "此快照版本限制为每分钟 3 次请求。",
    "appearanceHeading": "语言与外观",
    "language": "语言",
    "theme": "主题",
    "system": "跟随系统",
    "langZh": "中文",
    "langEn": "English",
    "themeLight": "浅色",
    "themeDark": "深色",
    "version": "长文 {version}"
  },
  "link": {
    "title": "在浏览器中打开此链接？",
    "body": "此链接来自长文之外。请仅在信任它时打开。",
    "open": "打开链接"
  },
  "actions": {
    "openSettings": "打开设置",
    "retry": "重试",
    "removeFile": "移除文件"
  },
  "errors": {
    "generic": "出现问题，请重试。",
    "details": "详细信息",
    "kind": "类型",
    "requestId": "请求 ID",
    "detail": "详情"
  },
  "time": {
    "seconds": "{s} 秒",
    "minutesSeconds": "{m} 分 {s} 秒"
  }
};
