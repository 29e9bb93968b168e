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
    "untitled": "新对话"
  },
  "chats": {
    "listLabel": "对话",
    "groups": {
      "today": "今天",
      "yesterday": "昨天",
      "week": "过去 7 天",
      "earlier": "更早"
    },
    "noDocuments": "没有文档",
    "actions": "“{title}”的操作",
    "rename": "重命名",
    "delete": "删除",
    "export": "导出",
    "titleField": "对话标题",
    "deleted": "已删除“{title}”。",
    "undo": "撤销",
    "dismiss": "关闭",
    "searchLabel": "搜索对话",
    "searchPlaceholder": "搜索（{shortcut}）",
    "searchResults": "搜索结果",
    "clearSearch": "清除搜索",
    "noResults": "没有对话包含“{query}”。",
    "resultCount": {
      "one": "{count} 条结果",
      "other": "{count} 条结果"
    },
    "field": {
      "title": "标题",
      "document": "文档",
      "question": "问题",
      "answer": "回答"
    },
    "exportTitle": "导出“{title}”",
    "exportBody": "选择格式。文件会列出用到的文档和每个回答的 token 数。",
    "exportMarkdown": "Markdown (.md)",
    "exportDocx": "Word (.docx)",
    "exportDocuments": "用到的文档",
    "exportTokens": "个 token",
    "exported": "已保存到 {path}",
    "showList": "显示对话列表",
    "hideList": "隐藏对话列表",
    "costsLabel": "费用",
    "costChat": "本对话",
    "costMonth": "本月"
  },
  "docs": {
    "heading": "文档",
    "listLabel": "文档",
    "add": "添加文档",
    "paste": "粘贴文本",
    "newWithThese": "用这些文档新建对话",
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
    },
    "pickTitle": "添加文档",
    "pickFilter": "文档"
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
    "estimateOver": "预估偏高 {n}%",
    "estimateUnder": "预估偏低 {n}%",
    "estimateExact": "预估准确",
    "estimateDetail": "提问前预估读取 {estimate} 个 token，服务实际计 {real} 个。",
    "copy": "复制",
    "copied": "已复制",
    "copyFailed": "复制失败",
    "earlier": "显示更早的消息",
    "regenerate": "重新生成"
  },
  "answer": {
    "documentsUsed": "参考的文档",
    "versions": "版本",
    "position": "{n}/{count}",
    "previousVersion": "上一个版本",
    "nextVersion": "下一个版本",
    "edit": "编辑",
    "editing": "正在编辑你的问题",
    "copyTable": "复制表格",
    "copyTableN": "复制第 {n} 个表格（共 {count} 个，以制表符分隔，可直接粘贴到 Excel）"
  },
  "starters": {
    "title": {
      "other": "{count} 个文档已就绪"
    },
    "text": "点一个问题开始，或在下方输入你自己的问题。",
    "summary": {
      "one": "总结这份文档的要点",
      "other": "总结这些文档的要点"
    },
    "terms": "列出付款、交付和违约条款",
    "risks": {
      "one": "找出这份文档中的风险或前后不一致之处",
      "other": "找出这些文档中的风险或前后不一致之处"
    },
    "compare": {
      "other": "比较这 {count} 份文档的主要差异"
    }
  },
  "notReady": {
    "title": {
      "other": "有 {count} 个文档尚未就绪"
    },
    "waiting": {
      "other": "这个对话中有 {count} 个文档仍在上传或读取中，这次回答不会读取它们。可以稍等片刻，或者仍然提问。"
    },
    "failed": {
      "other": "这个对话中有 {count} 个文档添加失败，这次回答不会读取它们。可以在文档列表中重试。"
    },
    "both": "{waiting} 个仍在处理中，{failed} 个添加失败：这次回答不会读取这 {count} 个文档。",
    "ok": "仍然提问",
    "wait": "等一等"
  },
  "cost": {
    "noDocs": "请先添加文档 — 回答以你附上的文档为依据。",
    "rereads": {
      "other": "每次提问都会完整重新读取全部 {count} 个文档，并按读取量计费。"
    },
    "estimate": {
      "other": "这次提问约读取 {n} 个 token，约 {cost}：每次提问都会完整重新读取全部 {count} 个文档。"
    },
    "unknown": {
      "other": "（有 {count} 个文档无法在本机读取，未计入。）"
    },
    "detail": "文档约 {docs} 个 token · 之前的对话约 {history} 个 token",
    "asText": "文档以文本发送（这个 API Key 无法读取已上传的文件）。"
  },
  "asText": {
    "offer": "改为发送文本",
    "title": "改为发送文档的文本？",
    "body": "你的 API Key 可能无法读取已上传的文件（RAM 子账号的 Key 不能）。长文可以改为在每次提问时发送在本机读出的文档文本。这次提问约读取 {n} 个 token，约 {cost}。扫描页无法这样发送。",
    "bodyUnknown": "你的 API Key 可能无法读取已上传的文件（RAM 子账号的 Key 不能）。长文可以改为在每次提问时发送在本机读出的文档文本。扫描页无法这样发送。",
    "ok": "发送文本"
  },
  "empty": {
    "title": "就你的文档提问",
    "text": "先在上方添加文档（合同、报告、招标文件都可以），然后在这里提问。",
    "tip1": "长文档也没问题 — 300 页的招标文件也会完整阅读。",
    "tip2": "可以用中文或英文提问，例如“乙方逾期交货的违约金怎么计算？”",
    "tip3": "回答会引用文档内容；重要数字请与原文核对。"
  },
  "welcome": {
    "title": "欢迎使用长文",
    "text": "长文使用阿里云通义千问 Qwen-Long 模型阅读你的文档。开始之前，需要一个阿里云账号的 API Key，大约两分钟就能完成。",
    "stepsLabel": "获取 API Key",
    "step1": "打开阿里云百炼控制台，用你的阿里云账号登录。",
    "openConsole": "打开控制台",
    "step2": "点击“创建 API Key”，复制生成的 API Key（以 sk- 开头）。",
    "step3": "粘贴到这里并点击“保存”。长文会立即检查它，并把它保存在{store}中。",
    "keyLabel": "API Key",
    "save": "保存",
    "checking": "正在向服务检查 API Key…",
    "notKept": "这个 API Key 没有保存。请从控制台重新复制后粘贴到这里。",
    "savedNotChecked": "API Key 已保存，但暂时无法检查。能连接到服务后，你的文档会自动开始读取。",
    "done": "你的 API Key 可以使用。",
    "next": "下一步：添加文档 — 把文档拖到这个窗口，或点击“添加文档”。"
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
    "keyHelp": "你的阿里云百炼（DashScope）API Key。它保存在{store}中，之后不会再显示。",
    "apiKey": "API Key",
    "apiKeyPlaceholder": "sk-…",
    "save": "保存",
    "test": "测试连接",
    "removeKey": "删除 API Key",
    "getKey": "获取 API Key",
    "keyNone": "尚未保存 API Key。",
    "keySaved": "已保存在{store}中，{masked}",
    "keyEnv": "正在使用环境变量 DASHSCOPE_API_KEY，{masked}",
    "keyEmpty": "请先粘贴 API Key。",
    "keyStored": "API Key 已保存。",
    "keyRemoved": "API Key 已删除。",
    "testing": "正在测试连接…",
    "testOk": "连接正常，API Key 有效。",
    "removeKeyTitle": "删除 API Key？",
    "removeKeyBody": "删除后，在重新添加 API Key 之前，长文将无法回答问题。",
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
    "snapshotWarning": "此快照版每分钟只能请求 {n} 次。日常使用请选择 qwen-long。",
    "appearanceHeading": "语言与外观",
    "language": "语言",
    "theme": "主题",
    "system": "跟随系统",
    "langZh": "中文",
    "langEn": "English",
    "themeLight": "浅色",
    "themeDark": "深色",
    "version": "长文 {version}",
    "tokensWarning": "此模型每分钟只接受 {n} 个 token：超过这个大小的文档，每次提问都会被拒绝。长文档请选择 qwen-long。",
    "regionNotOffered": "{region}（不提供 Qwen-Long）",
    "regionNoQwenLong": "Qwen-Long 仅在中国（北京）地域提供。发往此地域的提问会因“模型不存在”而失败。",
    "keyChecking": "API Key 已保存，正在向服务检查…"
  },
  "link": {
    "title": "在浏览器中打开此链接？",
    "body": "此链接来自长文之外。请仅在信任它时打开。",
    "open": "打开链接"
  },
  "actions": {
    "openSettings": "打开设置",
    "retry": "重试",
    "removeFile": "移除文件",
    "confirmEndpoint": "确认地址…"
  },
  "time": {
    "seconds": "{s} 秒",
    "minutesSeconds": "{m} 分 {s} 秒"
  },
  "fatal": {
    "moveAside": "移到别处并重新开始",
    "quit": "退出"
  },
  "endpoint": {
    "title": "将 API Key 和文档发送到 {host}？",
    "body": "“设置”现在指向 {host}，它不是阿里云百炼（DashScope）。长文会把你的 API Key 以及提问所涉及的每个文档发送到 {host}。只有在信任该地址（例如公司的网关）时才确认。",
    "confirm": "发送到 {host}"
  },
  "pending": {
    "openedTitle": {
      "one": "将 {count} 个文档上传到 Qwen-Long？",
      "other": "将 {count} 个文档上传到 Qwen-Long？"
    },
    "openedBody": "长文是通过这些文档打开的。目前尚未发送任何内容：上传后，它们才会发送到阿里云。",
    "upload": "上传",
    "manyTitle": {
      "one": "添加 {count} 个文档？",
      "other": "添加 {count} 个文档？"
    },
    "manyBody": "一次提问最多读取 {limit} 个文档。添加后可以移除一些。",
    "manyBodyMore": "该文件夹中的文件多于长文统计的数量，只会添加前 {count} 个。一次提问最多读取 {limit} 个文档。",
    "add": "全部添加"
  },
  "keyStore": {
    "linux": "系统密钥环",
    "macos": "钥匙串",
    "windows": "Windows 凭据管理器",
    "other": "系统安全存储"
  },
  "docsWait": {
    "state": "等待 API Key",
    "hint": "保存 API Key 后会自动继续。",
    "addKey": "设置 API Key",
    "adding": {
      "other": "正在添加 {count} 个文档…"
    }
  },
  "undo": {
    "removed": "已从本对话移除“{name}”。",
    "undo": "撤销"
  },
  "library": {
    "open": "文档库",
    "heading": "文档库",
    "tabs": "文档库视图",
    "documentsTab": "文档",
    "cloudTab": "云端文件",
    "filter": "按名称筛选",
    "intro": "你添加到长文的所有文档。选中文档即可加入当前对话；云端已有副本的文档不会重复上传。",
    "empty": "还没有文档。添加到对话中的文档会显示在这里。",
    "noMatch": "没有名称包含“{query}”的文档。",
    "loading": "正在读取文档库…",
    "checkingCloud": "正在检查云端…",
    "cloudNotChecked": "无法检查云端；显示的是本机记录的状态。",
    "colName": "名称",
    "colSize": "大小",
    "colAdded": "添加时间",
    "colChats": "用于对话",
    "colCloud": "云端",
    "select": "选择 {name}",
    "inChat": "已在本对话中",
    "noChats": "未使用",
    "cloud": {
      "uploaded": "已上传",
      "not_uploaded": "未上传",
      "missing": "云端已缺失",
      "text": "以文本发送",
      "unknown": "未检查"
    },
    "cloudHint": {
      "uploaded": "云端副本仍在：加入对话时不会重新上传。",
      "not_uploaded": "尚未用当前账号上传：加入对话时会上传。",
      "missing": "云端副本已被删除：加入对话时会重新上传。",
      "text": "粘贴的文本随问题发送，不会上传。",
      "unknown": "尚未与云端核对。"
    },
    "selected": {
      "other": "已选 {count} 个"
    },
    "add": {
      "other": "将 {count} 个加入本对话"
    },
    "addNone": "加入本对话",
    "added": {
      "other": "正在把 {count} 个文档加入本对话。"
    },
    "remove": "从文档库移除 {name}",
    "removeTitle": "从文档库移除“{name}”？",
    "removeUsedBody": {
      "other": "它仍在 {count} 个对话中使用：{chats}。移除后会从这些对话中取下；已有回答仍保留它的名称。"
    },
    "removeBody": "它没有在任何对话中使用。云端副本不会被删除（见“云端文件”）。",
    "removeOk": "移除",
    "removed": "已从文档库移除“{name}”。",
    "untitled": "未命名对话",
    "quoted": "“{name}”"
  },
  "cloud": {
    "intro": "你的阿里云账号中用于文档阅读的文件，包括不是由长文上传的文件。",
    "refresh": "刷新",
    "loading": "正在向云端查询文件…",
    "empty": "账号中没有文件。",
    "quotaFiles": "文件：{n} / {max}",
    "quotaBytes": "空间：{used} / {max}",
    "quotaLabelFiles": "已用文件数",
    "quotaLabelBytes": "已用空间",
    "colName": "名称",
    "colSize": "大小",
    "colDate": "上传时间",
    "colKnown": "长文中",
    "select": "选择 {name}",
    "known": "文档库中的“{name}”",
    "unknown": "不是长文上传的",
    "inUse": "正在被回答读取",
    "delete": "删除所选",
    "deleteCount": {
      "other": "删除 {count} 个文件"
    },
    "confirmTitle": {
      "other": "从云端删除 {count} 个文件（{size}）？"
    },
    "confirmBody": "这些文件会从你的阿里云账号中删除，无法恢复。文档库中的文档仍会保留，需要时会重新上传。",
    "confirmUnknown": {
      "other": "其中 {count} 个不是长文上传的，可能有其他程序在使用。"
    },
    "confirmOk": "从云端删除",
    "deleted": {
      "other": "已删除 {count} 个文件（{size}）。"
    },
    "knownSame": "在文档库中"
  },
  "preview": {
    "label": "预览",
    "open": "预览 {name}",
    "loading": "正在读取文字…",
    "meta": "{chars} 字 · 约 {tokens} 个 token",
    "text": "文档文字",
    "sections": "章节",
    "page": "第 {label} 页",
    "slide": "第 {label} 张幻灯片",
    "goto": {
      "page": {
        "before": "第",
        "after": "页，共 {count} 页",
        "field": "页码"
      },
      "slide": {
        "before": "第",
        "after": "张，共 {count} 张",
        "field": "幻灯片编号"
      },
      "section": "跳转到"
    },
    "find": "在文档中查找",
    "previous": "上一处",
    "next": "下一处",
    "position": "{n}/{count}",
    "noMatches": "没有找到",
    "rough": {
      "pdf_reader_missing": "预览可能不够准确：这台电脑上缺少长文自带的 PDF 阅读组件，文字由一个简易读取器取出，间距和顺序可能有偏差，也可能缺少部分文字。服务会自己读取文件。重新安装长文即可补回该组件。",
      "docx_reader_refused": "预览可能不够准确：这个 Word 文件已损坏或格式特殊，只读出了正文文字，页眉、页脚和表格的布局可能缺失。服务会自己读取文件；如果回答也不对，请用 Word 或 WPS 打开它，另存为 .docx 后添加新的副本。"
    },
    "truncated": "这个文档太长，只显示开头部分。",
    "scannedSome": {
      "other": "有 {count} 页是扫描件：服务能读取，预览无法显示。"
    },
    "none": {
      "empty": "这个文档没有文字。",
      "binary": "这个文件不是文本，无法预览。",
      "scanned": "扫描页：服务能读取，预览无法显示。",
      "unsupported": "这种文件无法在这里预览，但服务仍能读取。",
      "damaged": "文件似乎已损坏，无法预览；服务也许仍能读取。",
      "timed_out": "读取文字用时太长，无法预览。",
      "too_large": "文件太大，无法在这里预览，但服务仍能读取。",
      "failed": "无法读取文字来预览；服务也许仍能读取这个文件。",
      "missing": "文件已不在添加时的位置。",
      "changed": "文件在添加后已被修改，预览将与发送的内容不一致。"
    }
  },
  "quotes": {
    "show": "在 {name} 中查看",
    "notFound": "文档中未找到",
    "count": "引用：找到 {found} 处，未找到 {missing} 处"
  }
};
