package grammar

// The grammar's own words: sides, units, prices, commands and the small
// words around them. Plant names, places and attributes come from
// LexiconData instead, so clerks can extend them without a release.

import "huamu/matching"

type roleKind uint8

const (
	rSpecies      roleKind = iota + 1 // val species, aux variety, attr a form suffix (海桐球 → 球)
	rVariety                          // val species, aux variety: a cultivar word that names its species
	rAttr                             // val canonical attribute
	rSpecKey                          // val spec key; a word such as 胸径 before the number
	rSpecPost                         // val spec key; a word after the number (6分枝, 8杆, 3加仑, 2年生)
	rLenUnit                          // val cm | m | mm | fen (分: cm, or money in a price)
	rQtyUnit                          // val canonical quantity unit
	rMoney                            // val 元 | 角 | 分
	rSide                             // val supply|demand; n 3 strong head, 1 weak head, 0 a trap phrase
	rNoSide                           // 供求, 买卖: trading, no side
	rPriceWord                        // val terms (上车价, 到货价) or ""
	rLump                             // 一起走, 打包价: the next amount is a total
	rNegotiable                       // 面议, 可谈
	rUrgent                           // 急, 速
	rNeutral                          // a word that only hides a shorter one (有效期 hides 有)
	rTown                             // val canonical 温江 town
	rVillage                          // val village; aux its towns, "|"-separated
	rPlace                            // n index into the grammar's places
	rValidity                         // n days or val month_end, complete (半个月, 月底前)
	rValidityWord                     // 有效期: the next duration is a validity
	rDuration                         // val day | week | month: unit of a duration (天, 周, 个月)
	rWithin                           // 内, 之内: a duration before it is a validity
	rRangeSep                         // 到, 至, ~
	rApprox                           // 左右, 约
	rMinPost                          // 以上
	rMaxPost                          // 以下, 以内
	rMaxPre                           // 低于, 不超过
	rMinPre                           // 不低于, 至少
	rEach                             // 各: one value for every item
	rResp                             // 分别: values paired with items in order
	rPer                              // 每, /: the unit after it is the price's unit
	rDensity                          // 一平方, 每平米: a density follows
	rFiller                           // 的, 组
	rCmd                              // val command trigger class, see commands.go
	rContact                          // 电话, 联系: a phone number follows
	rHonorific                        // 先生, 老板: ends a contact name
	rJunk                             // val a junk reason this word points at
	rSkipUnit                         // 年, 公里, 亩: the number before it is none of the listing's values
)

type role struct {
	kind roleKind
	val  string
	aux  string
	attr string
	n    int
}

type builtin struct {
	words string // space-separated
	role  role
}

// builtinWords lists the grammar's vocabulary. A word may have several
// roles (处理 is a supply head and an attribute).
var builtinWords = []builtin{
	// Sides. Strong heads.
	{"供 供应 出售 转让 甩卖 清地 大量供应 长期供应 低价处理 处理 常年供应 批发 出让 低价出售 特价 现货供应 销售", role{kind: rSide, val: SideSupply, n: 3}},
	// Clearance words are offers (and the attribute 处理).
	{"清园 清苗 清仓 清仓处理 处理价 便宜处理 低价甩卖 清园处理 急处理", role{kind: rSide, val: SideSupply, n: 3}},
	{"低价出 低价卖 便宜出 便宜卖 特价出 贱卖", role{kind: rSide, val: SideSupply, n: 3}},
	// 转手 (to pass the nursery or the stock on) sells.
	{"转手 要转手 想转手 卖 售 急售 急卖 急出 急转 特价出售 出手 有货 大量有货 现货充足 货源充足 大量现货 量大从优 货源稳定 要出 要卖 想出 想卖 准备出 打算卖 要出手 想出手", role{kind: rSide, val: SideSupply, n: 2}},
	{"有 出 现货 现有 自产 自家 出货 出圃 还剩 剩下 剩余 剩下的", role{kind: rSide, val: SideSupply, n: 1}},
	{"求购 收购 采购 急需 急求 急购 求 需求 需购 急收 求租 诚购 寻购 订购苗", role{kind: rSide, val: SideDemand, n: 3}},
	{"需要 要买 想买 购买 买 收 需 想要 急要 想进 想进点 要进 进点 进一批 进些 进货 要用", role{kind: rSide, val: SideDemand, n: 2}},
	{"要 找 寻 还要 再来 再要", role{kind: rSide, val: SideDemand, n: 1}},
	// A shortfall asks for stock: 项目上缺一批乐昌含笑, 工地差20棵银杏; replacing
	// dead trees is buying more: 这次再补10棵, 补栽. These are weak heads, so
	// that they only decide a text with no other side word: 不缺枝 (a full
	// crown), 差价 and a seller's 包补苗 (dead trees replaced) are no demand.
	{"缺 缺少 急缺 还缺 紧缺 差 还差 还差点 再补 补栽 补种 补苗 要补", role{kind: rSide, val: SideDemand, n: 1}},
	{"不缺 不缺枝 缺枝 缺叶 缺水 缺肥 差价 包补 包补苗 死了包补 包换 补差价", role{kind: rNeutral}},
	// Stock bought in before (苗是从新津买回来的) tells where it came from.
	{"买回来 买回来的 买来 买来的 买进来 进回来", role{kind: rNeutral}},
	// Where goods can be sent is a delivery range, not where they are.
	{"送货范围 配送范围 可送 可送到 包送 送货到 可以送到", role{kind: rNeutral}},
	// Trap phrases: a demand word that speaks to buyers in a supply ad, and the reverse.
	{"有需求 有需求的 需求的 需要的 要的 有需要 需要请 需要者 需者 哪个要 谁要 有没有人要 有人要吗 你要不要 要不要 买家 欢迎选购 欢迎订购 欢迎求购 欢迎来电 欢迎咨询 有意者 有意向 有意 要货的 要货打电话 要货联系 欲购者 要的打电话 需要联系 需要的联系 需要请联系 欢迎 找买家 找个买家 找销路 找客户 寻买家 单买 零买 散买 收不收 还收不收 还收不 收不 还要不要 要不要嘛 还要不 要不 买不买", role{kind: rSide, val: SideSupply, n: 0}},
	{"有货速联 有货的 有的联系 有的请 有的话 哪个有 谁有 有的老板 有货联系 卖家 有货请 出价 有的喊 有货喊 有货打电话 有货电联 有货的联系 有的打电话 请报价 报价 有的发 有货发", role{kind: rSide, val: SideDemand, n: 0}},
	{"供求 买卖 供需 求供", role{kind: rNoSide}},

	// Units.
	{"公分 厘米 cm 公份 个公分 个厘米 公分的", role{kind: rLenUnit, val: "cm"}},
	{"米 m 公尺 个米", role{kind: rLenUnit, val: "m"}},
	{"mm 毫米", role{kind: rLenUnit, val: "mm"}},
	{"分", role{kind: rLenUnit, val: "fen"}},
	{"元 块 块钱 元钱 圆 rmb", role{kind: rMoney, val: "元"}},
	{"毛 角 毛钱 角钱", role{kind: rMoney, val: "角"}},
	{"分钱", role{kind: rMoney, val: "分"}},

	// Spec words that follow their number.
	{"分枝 分支 个分枝 个分支 杆 个杆 枝 根杆", role{kind: rSpecPost, val: matching.SpecStems}},
	{"加仑 加仑盆 加仑的", role{kind: rSpecPost, val: matching.SpecGallon, attr: "容器苗"}},
	{"年生 年苗 年的", role{kind: rSpecPost, val: matching.SpecAge}},

	// Prices.
	{"单价 价格 价钱 价 售价 报价是 零售价 批发价 卖价 收购价 每棵价 出厂价", role{kind: rPriceWord}},
	{"上车价 上车 包上车 地头价 圃地价 苗圃价 出圃价 装车价 车上价 上车价格 自提价 自提 不含运费 不包运费 运费另算 运费另计", role{kind: rPriceWord, val: "上车价"}},
	{"到货价 到位价 送到价 包到价 到场价 到货 到货价格 送货上门价 包运费 含运费 包运输 运费包含", role{kind: rPriceWord, val: "到货价"}},
	{"预算 出价", role{kind: rPriceWord}},
	{"一起走 打包 打包价 一口价 总价 全部一起 一起 整体 整批 总共价 一共", role{kind: rLump}},
	{"面议 可议 可谈 价格可谈 好说 价格好说 商量 好商量 可商量 价格商量 价格电联 价格电话 电话谈 电话详谈 价格私聊 你开个价 开个价 价格从优 议价 面谈 价格面谈 价格详谈 价格另议 另议 可小刀 看货论价 看货定价 价格好谈 价格优惠可谈 价格美丽 可以谈 可以商量 价格可以谈 价钱可以谈 价钱好说 价钱面议", role{kind: rNegotiable}},

	// Urgency and validity.
	{"急缺 急处理 急售 急卖 急出 急转 急 速 加急 尽快 火急 速来 紧急 马上要 着急 急需 急求 急购 急收 急要", role{kind: rUrgent}},
	// The schema: the contact phrase 速联 (有货速联, 有货的老板速联) is no urgency;
	// it hides the 速 of the line above.
	{"速联", role{kind: rNeutral}},
	{"不急", role{kind: rNeutral}},
	{"查收 请查收 收款 到账", role{kind: rNeutral}},
	// 有 as "there is a" (有个朋友, 有位老板) offers nothing.
	{"有个 有位 有一个 有一位 有家 有一家", role{kind: rNeutral}},
	// 要 as "going to" before a change of plans is no demand (苗圃要调整, 园子要腾地).
	{"要调整 要腾地 要搬家 要搬迁 要拆迁 要修路 要征地 要改种 要转行 要搬", role{kind: rNeutral}},
	// Roads and places whose words are no urgency or side (高速, 快速通道, 出口, 供销社).
	{"高速 快速 快速通道 高速路 高速路口 高速公路 绕城 绕城高速 出口 入口 下道口 道口 收费站 供销社 收回 收不到 收走", role{kind: rNeutral}},
	{"有效期 有效 有效时间", role{kind: rValidityWord}},
	{"半个月 半月", role{kind: rValidity, n: 15}},
	{"月底前 月底 本月底 月底前有效 这个月底", role{kind: rValidity, val: "month_end"}},
	{"天 日", role{kind: rDuration, val: "day"}},
	{"天内 日内 天之内", role{kind: rDuration, val: "day", n: 1}},
	{"周 星期 个星期 礼拜 个礼拜", role{kind: rDuration, val: "week"}},
	{"个月 月", role{kind: rDuration, val: "month"}},
	{"内 之内", role{kind: rWithin}},

	// Ranges and bounds.
	{"到 至 ~ 至到", role{kind: rRangeSep}},
	{"左右 约 大约 大概 上下 差不多 来 将近 接近", role{kind: rApprox}},
	{"多 余 多点 出头", role{kind: rMinPost, n: 1}},
	{"以上 起 往上 朝上 及以上 开外 起步", role{kind: rMinPost}},
	{"以下 以内 之内的 之下 往下 内的", role{kind: rMaxPost}},
	{"低于 不超过 不高于 最多 最高 不要超过 不能超过 封顶 顶多 最多给到 最高给到 最高不超过", role{kind: rMaxPre}},
	{"不低于 至少 最少 不小于", role{kind: rMinPre}},
	{"各 各要 每样 每种 都是", role{kind: rEach}},
	{"分别 分别是 分别为", role{kind: rResp}},
	{"每 /", role{kind: rPer}},
	{"一平方 每平方 每平米 一平米 每平方米 一个平方 每个平方", role{kind: rDensity}},
	{"的 组 社 号 队", role{kind: rFiller}},

	{"吨 立方 方 批 年 年前 次 岁 点钟 公里 里路 km 楼 层 户 人 家 亩 多亩 号楼 期 届 代", role{kind: rSkipUnit}},

	// Contact.
	{"电话 联系 手机 电联 喊我 联系我 找我 联系电话 联系人 tel 电 call 微信 微信同号 打电话 来电 致电 联系方式 热线", role{kind: rContact}},
	{"先生 女士 老板 小姐 经理 总 姐 哥 师傅 老师", role{kind: rHonorific}},

	// Words that only hide a shorter word (有 in 没有, 要 in 重要).
	{"订单 订单号 长期有效 长期 常年有效 收货 收到货 收钱 接收 收据 买单 卖场 卖点 买的 买了 卖的 买过 卖过 没有 所有 有限 有限公司 只要 重要 主要 要求 收到 收费 收款 出来 出去 出门 出发 不要 不卖 不买 有点 有些 有空 有时间 卖完 出现 要是 需要什么 要点 收藏 收获 出差 现在 有人 没得 莫得 找我 找你 卖不 有事", role{kind: rNeutral}},

	// Common words that sound like a plant, a place or a spec word and must
	// not be read as one (银行 is not 银杏).
	{"四川 四川省 十分 一般 一定 一样 一直 一些 一律 一致 统一 唯一 万一 一会 一手 三农 一流 一次性 一路 一天到晚", role{kind: rNeutral}},
	// 种树 (to grow trees) sounds like 棕树; 合作社 (a co-op) holds the town name 合作 (甘肃).
	// The others sound like a plant or a town (以南 红叶石楠, 大爷 大叶, 朴素 朴树,
	// 天赋 天府); found by running a list of common words through the lexer.
	{"种树 种树的 种植 种苗 合作社 专业合作社 以南 以北 以东 以西 大爷 大业 水上 朴素 天赋 青铜 女真 质子 宪章 紫禁城", role{kind: rNeutral}},
	// Common words that hold a place name (价格公平 is no 公平街道, 示范 no 范县).
	{"价格公平 公平交易 公平合理 大理石 矿区 示范 模范 小康", role{kind: rNeutral}},
	// Words that start with a numeral and are no number: 便宜一点, 看一下, 两边,
	// 四季常绿, 零售, 周六来看, 第一批. A longer word beats a shorter numeral in
	// the lexer, and a longer numeral (一点五米 is 1.5) beats these.
	{"一点 一点点 一点儿 一下 一下子 一半 一部分 一种 一类 两种 两样 两类 几种 两边 两头 两侧 两旁 两者 两地 两家 一边 一方面 一同 一并 一切 一向 一再 一旦 一块儿 四季 四季常青 四季常绿 一年四季 零售 零星 零卖 三天两头",
		role{kind: rNeutral}},
	// grades (一级苗) and words with the formal numeral 陆 (陆续到货)
	{"一级 二级 三级 一等 二等 三等 一级苗 二级苗 陆续 一大早 一趟 一遍 单一 同一 逐一", role{kind: rNeutral}},
	{"周一 周二 周三 周四 周五 周六 周日 周天 星期一 星期二 星期三 星期四 星期五 星期六 星期天 星期日 礼拜一 礼拜二 礼拜三 礼拜四 礼拜五 礼拜六 礼拜天 礼拜日 第一 第二 第三 第四 第五 第六 第七 第八 第九 第十", role{kind: rNeutral}},
	// 求 and 供 inside common words are no heads (追求, 请求); 提供 (to provide)
	// is a weak offer, so 求购…请提供照片 stays a demand.
	{"追求 请求 寻求 征求 力求 谋求 讲求 恳求 祈求 求职 求学 求情 求救", role{kind: rNeutral}},
	{"提供 可提供 长期提供", role{kind: rSide, val: SideSupply, n: 1}},
	// A speed is no urgency (发货速度快).
	{"速度 时速 速率 车速", role{kind: rNeutral}},
	{"银行 干净 干劲 干警 天不 高个 单个 之子 虫子 童子 中子 庄子 波兰 奥兰 佛兰 售货 个数 指数 只数 急于 出书 面食 银柜 金柜 张木 白萝", role{kind: rNeutral}},

	// Junk markers.
	{"退订回t 回t退订 回td退订 回n退订 退订回td 退订回n 拒收请回复r 回复td退订 退订请回复 回复t退订 回复退订", role{kind: rJunk, val: ReasonSpam, n: 3}},
	{"开业 新店开业 八折 九折 五折 七折 打折 特惠 优惠活动 欢迎光临 大促 促销 全场 折起 秒杀 优惠券 领券 免费领 领取 中奖 恭喜您 额度 信用卡 积分兑换 积分 兑换 红包 点击 链接 官网 澳门 博彩 彩票 发票 代开 开发票 会员 商城 专享 限时 包邮 下单立减 直播间 抽奖", role{kind: rJunk, val: ReasonSpam, n: 1}},
	{"了解一下 保险 理财 兼职 招聘 楼盘 装修 贷款 网贷 代办", role{kind: rJunk, val: ReasonSpam, n: 2}},
	// Adverts for goods and services that are no plants: 高价回收旧手机, 二手挖机出售.
	{"高价回收 上门回收 回收 上门服务", role{kind: rJunk, val: ReasonSpam, n: 2}},
	{"二手 旧手机 挖机 挖掘机 二手车 拖拉机 旋耕机 三轮车 农机 九成新 八成新 七成新", role{kind: rJunk, val: ReasonSpam, n: 1}},
	{"加微信 加我微信 加v 扫码 关注公众号 公众号 免费送 送资料 微信群", role{kind: rJunk, val: ReasonSpam, n: 1}},
	{"你是不是 您是不是", role{kind: rJunk, val: ReasonWrongNumber, n: 1}},
	{"已登记 登记成功", role{kind: rJunk, val: ReasonSystemMessage, n: 3}},
	{"通知 公告 温馨提示 提醒 预警 天气预报 气象 降温 大风 暴雨 寒潮 霜冻 停电 停水 防冻 请注意 广大 农户 种植户 农业农村局 人民政府 街道办 村委会", role{kind: rJunk, val: ReasonSystemMessage, n: 1}},
	{"花木通", role{kind: rJunk, val: ReasonSystemMessage, n: 1}},
	{"验证码 校验码 动态码 动态密码 验证短信 登录密码 尾号 账户 支出 收入 交易 转账 话费 余额 流量 套餐 欠费 停机 缴费 账单 10086 10010 10000 尊敬的客户 尊敬的用户 已到账 快递 取件码 取件 您的包裹 快件 已签收 签收 派送 派件 运单 物流信息", role{kind: rJunk, val: ReasonSystemMessage, n: 1}},
	{"妈 爸 老婆 老公 儿子 女儿 宝贝 亲爱的 回家 吃饭 放学 接孩子 开会 打错了 发错了 发错 打错 你是谁 你是哪个 不认识 作业 上班 下班 家长会", role{kind: rJunk, val: ReasonWrongNumber, n: 1}},
	// 吃饭没 (have you eaten) greets; 回家吃饭 above is a family text.
	{"哥子 巴适 安逸 你好 您好 在不在 在吗 在么 谢谢 多谢 好的 嗯 哈哈 早上好 晚上好 晚安 新年好 过年好 吃了吗 吃饭没 吃饭了吗 吃饭没得 吃了没 忙不忙 在忙吗 拜年 节日快乐 收到了 知道了 哦 哈 呵呵 ok hi hello 喂 谢了 辛苦了 好 好嘞 好滴 明白 明白了 了解 晓得了 晓得 嗯嗯", role{kind: rJunk, val: ReasonChitchat, n: 1}},
}

// Command trigger classes (the val of an rCmd role).
const (
	tCancel      = "cancel"      // 取消, 撤销
	tCancelSoft  = "cancel_soft" // 不卖了, 卖脱了: a cancel only when nothing else is said
	tQuery       = "query"       // 查, 查询
	tQueryHave   = "query_have"  // 有没得, 有没有
	tQueryPrice  = "query_price" // 好多钱, 啥子价
	tMine        = "mine"        // 我的
	tHelp        = "help"        // 帮助, 怎么用
	tHow         = "how"         // 怎么, 咋个: help when a command word follows
	tAccept      = "accept"      // 确认, 接受
	tAcceptSoft  = "accept_soft" // 要得, 可以, 行: an accept only on its own
	tUnsubscribe = "unsubscribe" // 退订, TD: only as the whole message
	tRegister    = "register"    // 注册
	tOrder       = "order"       // 订, 订购: with an id
	tJoin        = "join"        // 参团, 团购: with an id
	tDecline     = "decline"     // 拒绝, 不接受
	tSubscr      = "subscr"      // 订阅: 取消 订阅 is an unsubscribe
	tSubscrStop  = "subscr_stop" // 退订行情: ends the price bulletin only
)

var commandWords = []builtin{
	{"取消 撤销 撤回 删除 删掉 删了 下架 作废 撤掉 撤了 取消掉 取消发布 撤单 取消挂单 删除信息", role{kind: rCmd, val: tCancel}},
	{"莫得了 没得了 没有了 没货了 卖脱了 不卖了 卖完了 卖掉了 已卖完 已售完 售完 卖光了 已卖 走完了 卖得差不多了 差不多卖完了 用完了 卖完 走完 不要了 不收了 不买了 买到了 已买到 买够了 已经买了 不需要了 卖出去了 已出售", role{kind: rCmd, val: tCancelSoft}},
	{"查 查询 查查 查看 搜 搜索 查一下 查下 帮我查 找一下", role{kind: rCmd, val: tQuery}},
	{"有没得 有没有 有莫得 有不有 有吗 有没", role{kind: rCmd, val: tQueryHave}},
	{"好多钱 啥子价 多少钱 什么价 咋个卖 怎么卖 价格多少 啥价 几多钱 啥子价格 什么价格 价格如何 行情 怎么算 好多一棵 多少一棵 好多钱一棵 市场价 价格怎么样 价格咋样 价格怎样 价钱怎么样 价钱多少 卖多少 卖好多 啥价位 什么价位 价格行情 行情怎么样", role{kind: rCmd, val: tQueryPrice}},
	{"我发过的 我发布过的 我的 我发的 我的信息 我的挂单 我的发布 我发布的", role{kind: rCmd, val: tMine}},
	{"帮助 发信息格式 信息格式 短信格式 发布格式 怎么发短信 格式是什么 怎么用 咋个用 如何使用 使用方法 使用说明 说明 咋个发信息 咋个发 怎么发 怎么弄 咋弄 不会用 教我 菜单 指令 格式 help 帮忙 怎么发信息 怎么发布 如何发布 咋个弄 ? 求助 怎么操作", role{kind: rCmd, val: tHelp}},
	{"怎么 咋个 如何 咋 怎样 怎么样 啷个", role{kind: rCmd, val: tHow}},
	{"确认 确定 接受 同意 成交 确认成交 确认订单 同意成交 确认收货", role{kind: rCmd, val: tAccept}},
	// Agreeing to the price offered is an accept too (行 就按这个价).
	{"按这个价 就按这个价 就这个价 就这么定了 就这样定了 就这么办 就这么说定了", role{kind: rCmd, val: tAccept}},
	{"要得 可以 行 没问题 可以的 要得嘛 就这样 就这样吧 那就这样", role{kind: rCmd, val: tAcceptSoft}},
	{"退订 td t 取消订阅 取消订阅短信 取消短信订阅 我要退订 请退订 退订谢谢 不想收短信了 不想收短信 别发了 不要再发了 不要发了 退订短信 取消短信 不要再发 别再发了 停止发送 退出", role{kind: rCmd, val: tUnsubscribe}},
	{"订阅 订阅短信 短信订阅 订阅行情 行情订阅 订阅价格 订行情 我要订阅 定阅", role{kind: rCmd, val: tSubscr}},
	{"退订行情 取消行情 不要行情了 不要行情 取消订阅行情 退订价格 行情退订 不看行情了 停止行情", role{kind: rCmd, val: tSubscrStop}},
	{"注册 我要注册 申请注册 登记会员 入会", role{kind: rCmd, val: tRegister}},
	{"订 订购 订货 下单 预订 预定 我要订 要订", role{kind: rCmd, val: tOrder}},
	{"参团 团购 加入 加入团购 参加团购 拼团 参加", role{kind: rCmd, val: tJoin}},
	{"拒绝 不接受 不同意 不成交 不要这个 谢绝 不卖 不要", role{kind: rCmd, val: tDecline}},
}
