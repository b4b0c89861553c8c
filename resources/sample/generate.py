#!/usr/bin/python3
"""Writes the bundled sample project: customer service for Maple & Moss (枫苔生活馆), a
fictional online shop for home and lifestyle goods, in English and Simplified Chinese.

    /usr/bin/python3 resources/sample/generate.py      # rewrites the files next to this script

Standard library only and deterministic (fixed seed): running it twice gives the same bytes.

Every phrasing and filler pool is split into a training part and a held-out part. The
training files (dialogues.jsonl, intents.csv) draw only from the training parts; the
validation files (dialogues_heldout.jsonl, intents_heldout.csv) draw only from the held-out
parts, so validation measures generalisation to new wording, products, cities and order
numbers. The dialogue checks (checks.jsonl) are written by hand below with held-out fillers,
and the script refuses to write them if any check prompt appears in the training dialogues.
"""

import csv
import io
import json
import os
import random
import re

SEED = 20261130
HERE = os.path.dirname(os.path.abspath(__file__))

SHOP_EN = "Maple & Moss"
SHOP_ZH = "枫苔生活馆"

# ---------------------------------------------------------------------------------------------
# Fillers: (training pool, held-out pool)
# ---------------------------------------------------------------------------------------------
PRODUCTS_EN = (
    ["linen duvet cover", "ceramic teapot", "wireless earbuds", "desk lamp", "wool scarf", "yoga mat",
     "bamboo cutting board", "phone case", "rain jacket", "canvas backpack", "coffee grinder",
     "throw pillow", "running shoes", "bluetooth speaker", "water bottle", "scented candle",
     "bath towel set", "reading glasses", "plant pot", "denim jacket", "floor rug", "glass vase",
     "knife set", "picture frame", "cotton T-shirt", "leather wallet", "tea towel", "ceiling fan",
     "bed sheet set", "hand cream", "umbrella", "shower curtain", "salad bowl", "garden chair",
     "silk pillowcase", "alarm clock", "wine glasses", "travel mug", "doormat", "storage basket"],
    ["wool blanket", "electric kettle", "hiking boots", "laptop sleeve", "cast-iron pan", "sun hat",
     "table runner", "wall clock"],
)
PRODUCTS_ZH = (
    ["亚麻被套", "陶瓷茶壶", "无线耳机", "台灯", "羊毛围巾", "瑜伽垫", "竹砧板", "手机壳", "雨衣",
     "帆布双肩包", "磨豆机", "抱枕", "跑鞋", "蓝牙音箱", "保温杯", "香薰蜡烛", "浴巾套装", "老花镜",
     "花盆", "牛仔外套", "地毯", "玻璃花瓶", "刀具套装", "相框", "纯棉T恤", "皮钱包", "茶巾", "吊扇",
     "床单四件套", "护手霜", "雨伞", "浴帘", "沙拉碗", "户外椅", "真丝枕套", "闹钟", "红酒杯", "随行杯",
     "门垫", "收纳筐"],
    ["羊毛毯", "电热水壶", "登山靴", "电脑内胆包", "铸铁锅", "遮阳帽", "桌旗", "挂钟"],
)
CITIES_EN = (
    ["Boston", "Seattle", "Austin", "Denver", "Chicago", "Portland", "Toronto", "Leeds", "Dublin",
     "Melbourne", "San Diego", "Manchester"],
    ["Phoenix", "Atlanta", "Vancouver", "Glasgow", "Auckland"],
)
CITIES_ZH = (
    ["北京", "上海", "广州", "深圳", "杭州", "成都", "南京", "武汉", "天津", "青岛", "长沙", "郑州"],
    ["西安", "重庆", "苏州", "厦门", "昆明"],
)
STREETS_EN = (
    ["Elm Street", "Harbor Road", "Maple Avenue", "Station Road", "Oak Lane", "King Street",
     "Park Avenue", "Mill Road"],
    ["Cedar Court", "River Walk", "Hill Crescent"],
)
STREETS_ZH = (
    ["朝阳区建国路", "浦东新区世纪大道", "天河区体育西路", "南山区科技园路", "西湖区文三路",
     "武侯区人民南路", "鼓楼区中山路", "江汉区解放大道"],
    ["雁塔区长安路", "渝中区解放碑路", "姑苏区干将路"],
)
PAY_EN = (["credit card", "debit card", "Mastercard", "PayPal payment", "Apple Pay", "gift card"],
          ["Visa card", "Amex card"])
PAY_ZH = (["信用卡", "借记卡", "支付宝", "微信支付", "礼品卡", "银行卡"], ["花呗", "储蓄卡"])
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
WITHIN_EN = (["last week", "a few days ago", "10 days ago", "two weeks ago", "yesterday", "on Monday"],
             ["five days ago", "last weekend"])
WITHIN_ZH = (["上周", "前几天", "10天前", "两周前", "昨天", "周一"], ["五天前", "上个周末"])
LATE_EN = (["two months ago", "45 days ago", "back in the spring", "over six weeks ago", "last year"],
           ["three months ago", "about 50 days ago"])
LATE_ZH = (["两个月前", "45天前", "今年春天", "六周多以前", "去年"], ["三个月前", "大概50天前"])


def order_number(rng, heldout):
    # Training numbers are even, held-out numbers odd: no order number is in both sets.
    n = rng.randrange(100000, 999999)
    n = n - n % 2 + (1 if heldout else 0)
    return "MM-%06d" % n


def date_en(rng):
    return "%s %d" % (rng.choice(MONTHS_EN), rng.randint(1, 28))


def date_zh(rng):
    return "%d月%d日" % (rng.randint(1, 12), rng.randint(1, 28))


# ---------------------------------------------------------------------------------------------
# Utterances per intent: (training phrasings, held-out phrasings). {product}, {order}, {city},
# {date}, {pay}, {when} are filled in from the pools above.
# ---------------------------------------------------------------------------------------------
UTTERANCES = {
    "order_status": {
        "en": (["Is there any news on my {product}?",
                "Can you look up where my order is?",
                "What's the status of the {product} I bought?",
                "Can you see where my {product} is?",
                "I need an update on my order please.",
                "My order still shows processing, is it coming?",
                "The {product} I ordered is late.",
                "When is my order going to arrive? I ordered on {date}.",
                "Where's my package? I ordered a {product}.",
                "My delivery hasn't come yet.",
                "Any news about my order?",
                "Tracking hasn't updated for my {product}.",
                "Where is my order?",
                "Hi, I ordered a {product} on {date} and it still hasn't arrived.",
                "Can you tell me the status of my order?",
                "My package hasn't arrived yet, can you check?",
                "I'm still waiting for my {product}. Any update?",
                "Has my order shipped yet?",
                "Could you track my order for me please?",
                "What's happening with my order? It's been a week.",
                "I haven't received my {product} yet.",
                "Can you check where my parcel is?",
                "Is my order on its way?",
                "I placed an order on {date}, where is it now?"],
               ["My delivery is late, where is it?",
                "Any news on the {product} I bought?",
                "Could you look up my shipment please?",
                "The tracking page shows nothing for my {product}, what's going on?"]),
        "zh": (["我那个单子到哪了？",
                "买的{product}一直没送到，怎么回事？",
                "订单现在是什么状态？",
                "{product}发出来了吗？",
                "帮我看看订单到哪一步了",
                "订单状态一直是处理中，是怎么回事？",
                "我订的{product}晚了好几天了",
                "{date}下的单，现在到哪了？",
                "我的货到哪里了？",
                "物流进度能查吗？",
                "{product}一直没送到",
                "我的订单到哪了？",
                "我{date}买的{product}怎么还没到？",
                "帮我查一下订单状态",
                "我的包裹还没收到，能帮忙查查吗？",
                "请问我的订单发货了吗？",
                "{product}还没到，有物流信息吗？",
                "订单一直没动静，怎么回事？",
                "能帮我追踪一下订单吗？",
                "我下单好几天了，还没收到货",
                "我的快递到哪儿了？"],
               ["麻烦看一下我的货走到哪里了",
                "买的{product}迟迟没有送到",
                "查下物流进度可以吗？",
                "我的单子现在是什么情况？"]),
    },
    "shipping_time": {
        "en": (["How long would it take to ship a {product} to {city}?",
                "What is the delivery time for express?",
                "How many business days is standard shipping?",
                "Can you deliver by next week to {city}?",
                "Usually how long until an order arrives?",
                "What's the delivery time to {city}?",
                "How quickly will a parcel reach me?",
                "What are your shipping speeds?",
                "How long does shipping to {city} take?",
                "How many days will delivery take?",
                "When will my order arrive if I order today?",
                "What are your delivery times?",
                "Do you ship to {city}, and how long does it take?",
                "How fast is express shipping?",
                "If I buy the {product} now, when would I get it?",
                "How long is standard delivery?",
                "Is there free shipping, and how long does it take?",
                "How soon can you deliver to {city}?"],
               ["What's the usual delivery time to {city}?",
                "How quickly do parcels reach {city}?",
                "Roughly how long until the {product} gets to me?",
                "Tell me about your shipping speeds."]),
        "zh": (["{product}寄到{city}要几天？",
                "加急几天能到？",
                "普通快递要几个工作日？",
                "下周之前能送到{city}吗？",
                "一般下单后几天到？",
                "通常需要几天送到？",
                "配送时效多久？",
                "下单后多久能到手？",
                "寄到{city}要多久？",
                "一般几天能送到？",
                "今天下单什么时候能到？",
                "你们的配送时间是多久？",
                "发{city}吗？大概多久到？",
                "加急配送有多快？",
                "现在买{product}，几天能收到？",
                "标准快递要几天？",
                "包邮吗？多久能到？",
                "到{city}最快多久？"],
               ["送到{city}通常需要几天？",
                "{product}下单后多久能到手？",
                "你们发货快不快，要等几天？",
                "配送时效是怎样的？"]),
    },
    "return_request": {
        "en": (["Can I exchange or return the {product}?",
                "The {product} is the wrong colour, how do I send it back?",
                "I want to return my order.",
                "What do I do to return the {product}?",
                "Is the {product} returnable? I got it {when}.",
                "Can I give back the {product}?",
                "How do returns work?",
                "I don't like the {product}, can I send it back?",
                "I want to return the {product} I bought {when}.",
                "Can I send back the {product}? I got it {when}.",
                "How do I return an item?",
                "The {product} doesn't fit, I'd like to return it.",
                "I bought a {product} {when} and want to return it.",
                "What is your return policy?",
                "I'd like to send the {product} back, I received it {when}.",
                "Can I still return something I ordered {when}?",
                "I changed my mind about the {product}, can I return it?",
                "The {product} arrived damaged and I want to return it."],
               ["Is it possible to give back the {product}? It came {when}.",
                "I don't like the {product} I received {when}. Can it go back?",
                "How do returns work at your shop?",
                "I need to hand back a {product} I got {when}."]),
        "zh": (["{product}颜色不对，怎么退？",
                "我要退掉这个订单的货",
                "{product}怎么申请退货？",
                "{when}收的{product}还能退吗？",
                "{product}质量有问题，想退回",
                "{product}能寄回吗？",
                "退货怎么操作？",
                "{product}不喜欢，想退",
                "我{when}买的{product}想退货",
                "{product}能退吗？{when}收到的",
                "怎么退货？",
                "{product}尺寸不合适，我要退货",
                "我{when}收到了{product}，想退掉",
                "你们的退货政策是什么？",
                "{product}不想要了，可以退吗？",
                "{when}买的东西还能退吗？",
                "收到的{product}坏了，申请退货",
                "我想把{product}退回去"],
               ["{when}到的{product}不喜欢，能寄回吗？",
                "退货流程是怎样的？",
                "{product}想退回，{when}签收的",
                "这个{product}我不要了，怎么寄回去？"]),
    },
    "refund_status": {
        "en": (["The refund for my {product} still hasn't arrived.",
                "When will the money for my return be back on my {pay}?",
                "How long until I see my refund?",
                "I'm waiting for a refund for the {product}.",
                "Did you refund my return yet?",
                "Where is the money for my return?",
                "Any update on my refund?",
                "When does the refund land in my account?",
                "When will I get my refund?",
                "I returned the {product} {when}, where is my money?",
                "Has my refund been processed?",
                "I still haven't received my refund.",
                "How long do refunds take?",
                "You received my return, so when do I get refunded?",
                "Can you check my refund status?",
                "I sent the {product} back, when will the money be in my account?",
                "My refund hasn't shown up on my {pay}.",
                "Is my refund on its way?"],
               ["Where's the money for the {product} I sent back?",
                "Any update on getting my money back?",
                "How many days until the refund lands?",
                "My return was delivered, what about the refund?"]),
        "zh": (["{product}的退款还没到账",
                "退货的钱什么时候退到{pay}？",
                "退款要等多久才能看到？",
                "我在等{product}的退款",
                "我的退货退款了吗？",
                "钱什么时候退回来？",
                "退款几天到账？",
                "退货签收了，退款怎么还没到？",
                "我的退款什么时候到？",
                "{product}{when}退回去了，钱呢？",
                "退款处理了吗？",
                "我还没收到退款",
                "退款一般要多久？",
                "你们已经收到退货了，什么时候退款？",
                "帮我查一下退款进度",
                "{product}寄回去了，钱什么时候到账？",
                "{pay}一直没收到退款",
                "退款在路上了吗？"],
               ["退回的{product}，退款还没到",
                "我的钱什么时候能退回来？",
                "退款到账要几天？",
                "退货已经签收了，退款呢？"]),
    },
    "payment_failed": {
        "en": (["I can't complete the payment for the {product}.",
                "Your site refuses my {pay}.",
                "The payment page shows an error every time.",
                "My {pay} is not working on your site.",
                "Payment declined, what should I do?",
                "The transaction was unsuccessful.",
                "My {pay} won't be accepted.",
                "Checkout keeps rejecting my card.",
                "My payment failed.",
                "My {pay} was declined at checkout.",
                "I can't pay for my order, it keeps failing.",
                "Why was my payment rejected?",
                "The checkout says payment error.",
                "I tried to pay with my {pay} but it didn't work.",
                "Payment won't go through for the {product}.",
                "My card keeps getting declined.",
                "I got an error when paying.",
                "The {pay} payment failed twice."],
               ["Checkout won't accept my {pay}.",
                "It says transaction unsuccessful when I pay.",
                "Paying for the {product} doesn't work, what should I do?",
                "Why does my {pay} payment keep failing?"]),
        "zh": (["{product}的款付不了",
                "网站不接受我的{pay}",
                "每次付款页面都报错",
                "{pay}在你们网站用不了",
                "付款被拒绝了怎么办？",
                "提示交易不成功",
                "{pay}结账不通过",
                "款付不出去",
                "付款失败了",
                "结账时{pay}被拒了",
                "一直付不了款",
                "为什么我的支付被拒绝？",
                "结账页面显示支付错误",
                "用{pay}付款没成功",
                "买{product}付不了钱",
                "银行卡一直被拒",
                "支付的时候报错了",
                "{pay}付款失败了两次"],
               ["{pay}结账总是不通过",
                "付钱的时候提示交易不成功",
                "{product}的款付不出去怎么办？",
                "为什么{pay}老是付款失败？"]),
    },
    "change_address": {
        "en": (["Is it too late to change the address?",
                "Please redirect the {product} to my work address.",
                "Can I update where my order goes?",
                "Please change the shipping address to {city}.",
                "I need the {product} delivered somewhere else.",
                "Can you correct the address on my order?",
                "My address is wrong, I want to update it.",
                "Can I ship the order to a new address?",
                "I put my old address on the order.",
                "Can you redirect my parcel to {city}?",
                "Can the {product} go to another address?",
                "I need to change my delivery address.",
                "Can I update the shipping address on my order?",
                "I entered the wrong address, can you fix it?",
                "Please send my {product} to a different address.",
                "I'm moving to {city}, can I change the address?",
                "Can you change where my order is delivered?",
                "The address on my order is wrong.",
                "I want my parcel delivered to my office instead.",
                "How do I edit the address for my order?",
                "Can I change the address after ordering?"],
               ["Could the {product} go to another address?",
                "I typed my old address by mistake.",
                "Please redirect my order to {city}.",
                "Is it too late to update where the package goes?"]),
        "zh": (["{product}能换个收货地址吗？",
                "能改一下收货的地方吗？",
                "请把收货地址改到{city}",
                "{product}要寄到别的地址",
                "能帮我更正订单地址吗？",
                "地址写错了，想改一下",
                "订单能寄到新地址吗？",
                "能换个地方收货吗？",
                "填成旧地址了",
                "改寄到{city}可以吗？",
                "我要修改收货地址",
                "订单的收货地址能改吗？",
                "地址填错了，能帮我改一下吗？",
                "{product}请寄到另一个地址",
                "我搬到{city}了，能改地址吗？",
                "能换个送货地址吗？",
                "订单上的地址不对",
                "我想改成寄到公司",
                "下单后怎么修改地址？",
                "下完单还能改地址吗？"],
               ["{product}能换个地方收吗？",
                "不小心填了旧地址",
                "订单改寄到{city}可以吗？",
                "现在改收货地址还来得及吗？"]),
    },
    "cancel_order": {
        "en": (["I no longer want my order, please cancel it.",
                "I need to cancel the {product} I ordered.",
                "Please cancel everything I ordered on {date}.",
                "Can my order still be cancelled?",
                "I want to cancel, I found it cheaper elsewhere.",
                "Stop the order for the {product}, I don't want it.",
                "Please call off my order.",
                "I want to withdraw my order.",
                "Please scrap the order for the {product}.",
                "I want to cancel my order.",
                "Please cancel my order for the {product}.",
                "Can I cancel an order I just placed?",
                "I ordered by mistake, cancel it please.",
                "How do I cancel my order?",
                "I don't need the {product} anymore, please cancel.",
                "Cancel my order from {date}.",
                "Is it possible to cancel my purchase?",
                "I'd like to cancel the order I made today.",
                "Can you stop my order?"],
               ["Scrap my order for the {product}, please.",
                "I no longer want this order, can you call it off?",
                "Please withdraw the order I placed on {date}.",
                "Help me cancel, I ordered twice."]),
        "zh": (["我要取消{product}这一单",
                "{date}买的全部取消",
                "订单现在还能取消吗？",
                "别的地方更便宜，我要取消",
                "{product}那单不要了，帮我取消",
                "订单不要了，撤掉吧",
                "帮我把订单作废",
                "买重复了，想取消一单",
                "我要取消订单",
                "请帮我取消{product}的订单",
                "刚下的单能取消吗？",
                "下错单了，帮我取消",
                "怎么取消订单？",
                "{product}不需要了，请取消",
                "取消我{date}的订单",
                "可以取消购买吗？",
                "今天下的订单我想取消",
                "能帮我把订单撤销吗？"],
               ["{product}那单不要了，撤掉吧",
                "买重复了，取消一单",
                "{date}下的单帮我作废",
                "订单还能取消吗？我不想买了"]),
    },
    "account_locked": {
        "en": (["I can't get into my account.",
                "My account has been locked since {date}.",
                "Login says my account is disabled.",
                "I am blocked from signing in.",
                "How do I unlock my account?",
                "My account is frozen.",
                "I can't sign in.",
                "The site won't let me into my account.",
                "My account is locked.",
                "I can't log in to my account.",
                "I'm locked out of my account.",
                "It says my account has been suspended.",
                "I forgot my password and now I can't sign in.",
                "My login doesn't work anymore.",
                "Why is my account blocked?",
                "I tried to log in too many times and got locked out.",
                "I can't access my account to check my {product} order.",
                "Please unlock my account."],
               ["Sign-in keeps failing on my account.",
                "The website won't let me into my profile.",
                "My account got frozen, help.",
                "I'm unable to get into my account since {date}."]),
        "zh": (["账户进不去了",
                "从{date}开始账户就被锁了",
                "登录提示账户已禁用",
                "我被限制登录了",
                "账户怎么解锁？",
                "账户被冻结了",
                "登录一直失败",
                "进不去个人中心",
                "我的账户被锁了",
                "登录不了账户",
                "账号被锁定了",
                "提示我的账户被停用了",
                "忘记密码了，现在登不上",
                "我的账号登录不了了",
                "为什么我的账户被封了？",
                "登录次数太多被锁了",
                "进不了账户，没法查{product}的订单",
                "请帮我解锁账户"],
               ["账号一直登录失败",
                "网站不让我进个人中心",
                "我的账户被冻结了，怎么办",
                "从{date}起就登不进账号了"]),
    },
    "product_question": {
        "en": (["Is the {product} still available?",
                "Do you have any {product} in stock?",
                "How long is the warranty for the {product}?",
                "When will the {product} ship if I buy it?",
                "Is the {product} covered if it breaks?",
                "Have you got any {product} left?",
                "Will the {product} be repaired if it breaks?",
                "Are you still selling the {product}?",
                "Is the {product} in stock?",
                "Does the {product} come with a warranty?",
                "How soon can you send the {product}?",
                "Do you still have the {product}?",
                "What's the warranty on the {product}?",
                "Is the {product} available right now?",
                "Can I buy the {product} today?",
                "Is the {product} sold out?",
                "Tell me about the {product}.",
                "Does the {product} have a guarantee?"],
               ["Have you got the {product} at the moment?",
                "Is there any {product} left?",
                "What warranty comes with the {product}?",
                "Do you have the {product} at the moment?"]),
        "zh": (["{product}还有库存吗？",
                "{product}有现货吗？",
                "{product}质保多长时间？",
                "买{product}的话什么时候发货？",
                "{product}坏了能保修吗？",
                "{product}现货有吗？",
                "{product}还剩多少？",
                "{product}坏了保修吗？",
                "{product}有货吗？",
                "{product}有保修吗？",
                "{product}多久能发货？",
                "{product}还有吗？",
                "{product}保修多久？",
                "{product}现在能买吗？",
                "今天能买到{product}吗？",
                "{product}卖完了吗？",
                "介绍一下{product}",
                "{product}有质保吗？"],
               ["{product}现货还有吗？",
                "{product}还剩几件？",
                "{product}坏了管修吗？",
                "{product}目前还有货吗？"]),
    },
    "greeting": {
        "en": (["Good day",
                "Hello, good morning",
                "Hi, anyone available?",
                "Good morning, I need some help",
                "Hello, can you help me?",
                "Hey, is this customer service?",
                "Hi", "Hello", "Hi there", "Good morning", "Hey", "Hello, is anyone there?",
                "Hi, I have a question", "Good evening", "Hey there!", "Hello!"],
               ["Good afternoon", "Hello there", "Hello, good afternoon", "Morning!"]),
        "zh": (["上午好",
                "喂，在吗",
                "早安",
                "你好，能帮我一下吗？",
                "早上好，想问点事",
                "您好，是客服吗？",
                "你好，在线吗？",
                "你好", "您好", "在吗", "早上好", "你好，请问有人吗？", "晚上好", "嗨",
                "您好，我想咨询一下", "你好呀", "有人在吗？"],
               ["你好啊", "下午好", "中午好", "喂，你好"]),
    },
    "thanks": {
        "en": (["Thank you very much!",
                "Appreciate it.",
                "Thanks, have a nice day.",
                "Got it, thank you.",
                "Thanks!", "Thank you so much.", "Great, thanks for your help.", "Perfect, thank you!",
                "Cheers.", "OK, thanks.", "That's all, thank you.", "Thanks a lot!", "Awesome, thanks.",
                "Thank you, bye."],
               ["Much appreciated.", "Thanks, that helps.", "Brilliant, thank you kindly.",
                "Many thanks!"]),
        "zh": (["十分感谢！",
                "收到，谢谢",
                "谢谢，祝你愉快",
                "知道了，谢谢",
                "谢谢！", "好的，谢谢", "太感谢了", "明白了，谢谢你", "谢谢，没有别的了", "好的，辛苦了",
                "多谢帮忙", "谢谢啦", "好嘞，谢谢", "感谢！"],
               ["多谢", "辛苦了，谢谢", "非常感谢", "谢了，再见"]),
    },
}
INTENTS = list(UTTERANCES)

# The user's answer when asked for an order number (and address changes, which add a city).
GIVE_ORDER = {
    "en": (["It's {order}.", "Sure, {order}", "The order number is {order}.", "{order}",
            "Here you go: {order}", "Yes, it's {order}"],
           ["Order {order}, thanks", "Mine is {order}."]),
    "zh": (["订单号是{order}", "{order}", "好的，{order}", "是{order}", "订单号：{order}", "给你：{order}"],
           ["我的订单号：{order}", "单号{order}"]),
}
GIVE_ADDRESS = {
    "en": (["It's {order}, and the new address is {num} {street}, {city}.",
            "{order}. Please send it to {num} {street}, {city}.",
            "Order {order}, new address: {num} {street}, {city}"],
           ["{order} - deliver to {num} {street}, {city} please."]),
    "zh": (["订单号{order}，新地址是{city}{street}{num}号",
            "{order}，改寄到{city}{street}{num}号",
            "订单{order}，新地址：{city}{street}{num}号"],
           ["{order}，请送到{city}{street}{num}号"]),
}
# Follow-up questions within a topic.
FOLLOW = {
    "refund_promise": {
        "en": (["Can you guarantee I'll get my money back?", "So I will definitely get a refund, right?",
                "Can you promise the refund?"],
               ["Is the refund certain?"]),
        "zh": (["能保证退款吗？", "那肯定能退钱吧？", "你能承诺给我退款吗？"], ["退款一定没问题吧？"]),
    },
    "express": {
        "en": (["Can I upgrade to express?", "Is express shipping available?", "What does express cost?"],
               ["Can I pay for faster delivery?"]),
        "zh": (["可以升级成加急吗？", "有加急配送吗？", "加急要多少钱？"], ["能付钱加快配送吗？"]),
    },
    "no_code": {
        "en": (["I didn't get the code.", "I no longer have access to that email.", "The code never arrived."],
               ["That email account is closed."]),
        "zh": (["我没收到验证码", "那个邮箱我已经用不了了", "验证码一直没来"], ["那个邮箱注销了"]),
    },
    "colours": {
        "en": (["What colours does it come in?", "Are there other sizes?", "Which colours are available?"],
               ["Does it come in blue?"]),
        "zh": (["有哪些颜色？", "有其他尺码吗？", "有什么颜色可选？"], ["有蓝色的吗？"]),
    },
    "charged": {
        "en": (["But the money was taken from my account.", "I was charged even though it failed.",
                "My bank shows a charge, though."],
               ["Why is there a pending charge then?"]),
        "zh": (["可是钱已经扣了", "付款失败但是扣款了", "银行显示已经扣费了"], ["那为什么有一笔冻结的钱？"]),
    },
}

# ---------------------------------------------------------------------------------------------
# The assistant's replies: one policy per topic, phrased the same way every time.
# ---------------------------------------------------------------------------------------------
SYSTEM = {
    "en": ["You are the customer service assistant of Maple & Moss, an online shop for home and lifestyle goods.",
           "You are a friendly support agent for the Maple & Moss online shop. Answer briefly and follow the shop's policies."],
    "zh": ["你是枫苔生活馆的在线客服助手，枫苔生活馆是一家家居生活用品网店。",
           "你是枫苔生活馆网店的客服，请简洁地回答并遵守店铺政策。"],
}
ASK_ORDER = {
    "en": "Please send me your order number. It starts with MM- followed by 6 digits, for example MM-123456.",
    "zh": "请提供您的订单号，格式为 MM- 加 6 位数字，例如 MM-123456。",
}
R = {
    "en": {
        "greeting": "Hello! Welcome to Maple & Moss customer service. How can I help you today?",
        "thanks": "You're welcome! Is there anything else I can help you with?",
        "order_status": "I can check that for you. " + ASK_ORDER["en"],
        "order_status_found": "Thank you! Order {order} left our warehouse on {date} and is on its way to {city}. "
                              "Standard delivery takes 3-5 business days; the tracking link is in your confirmation email.",
        "shipping_time": "Standard shipping takes 3-5 business days and express shipping takes 1-2 business days. "
                         "Orders over $50 ship for free.",
        "express": "Express shipping costs $9.90 and can be chosen at checkout. For an order you have already placed, "
                   + ASK_ORDER["en"],
        "return_request": "You can return items within 30 days of delivery with your receipt. " + ASK_ORDER["en"],
        "return_late": "I'm sorry, returns are only accepted within 30 days of delivery with a receipt, so this item "
                       "can no longer be returned. If it is faulty, it may still be covered by our 1-year warranty.",
        "return_label": "Thank you. I have emailed a prepaid return label for order {order}. Once the item arrives, "
                        "we will inspect it and then process your refund.",
        "refund_status": "Refunds are issued after we receive and inspect the returned item, usually within 5-7 business "
                         "days of its arrival, to your original payment method. If you send me your order number "
                         "(format MM-123456), I can check the inspection status.",
        "refund_found": "Order {order}: your return arrived on {date} and is waiting for inspection. You will get an "
                        "email as soon as the inspection is finished.",
        "refund_promise": "I can't confirm a refund before the inspection is finished, but we will email you as soon "
                          "as it is done.",
        "payment_failed": "Sorry about that! Please check that your card details and billing address are correct, or "
                          "try another payment method such as PayPal, Apple Pay or a gift card. For your security, "
                          "never share your full card number or password in chat.",
        "charged": "A failed payment is only a temporary hold. Your bank releases it within a few days, and you are "
                   "not charged twice.",
        "change_address": "I can change the delivery address as long as the order has not shipped yet. Please send "
                          "your order number (format MM-123456) and the new address.",
        "address_done": "Done! Order {order} will now be delivered to {num} {street}, {city}.",
        "cancel_order": "Orders can be cancelled as long as they have not shipped yet. " + ASK_ORDER["en"],
        "cancel_done": "Order {order} has been cancelled. The payment will go back to your original payment method "
                       "within 5-7 business days.",
        "account_locked": "For your security, a locked account has to be verified before it can be unlocked. We have "
                          "sent a verification code to the email address on your account; enter it on the login page. "
                          "We will never ask for your password.",
        "no_code": "Please check your spam folder first. If you can no longer use that email address, our "
                   "verification team will confirm your identity with your name, phone number and a recent order number.",
        "product_question": "The {product} is in stock and ships within 1 business day. All our products come with a "
                            "1-year warranty.",
        "colours": "The available colours and sizes are listed on the product page. If one is sold out, tap "
                   "\"Notify me\" and we will email you when it is back.",
    },
    "zh": {
        "greeting": "您好！欢迎来到枫苔生活馆客服，请问有什么可以帮您？",
        "thanks": "不客气！请问还有其他可以帮您的吗？",
        "order_status": "我来帮您查询。" + ASK_ORDER["zh"],
        "order_status_found": "谢谢！订单{order}已于{date}从仓库发出，正在发往{city}。标准配送需要3-5个工作日，"
                              "物流链接在您的确认邮件中。",
        "shipping_time": "标准配送需要3-5个工作日，加急配送需要1-2个工作日。订单满299元包邮。",
        "express": "加急配送费用为19元，可在结账时选择。已经下单的订单，" + ASK_ORDER["zh"],
        "return_request": "商品签收后30天内，凭购物凭证可以退货。" + ASK_ORDER["zh"],
        "return_late": "很抱歉，退货需在签收后30天内凭购物凭证办理，这件商品已超过退货期限。如果商品有质量问题，"
                       "仍可享受一年保修。",
        "return_label": "谢谢！订单{order}的预付退货面单已发送到您的邮箱。商品寄回后，我们会先检查商品，再办理退款。",
        "refund_status": "退款会在我们收到并检查退回的商品后办理，通常在商品到达后5-7个工作日内退回原支付方式。"
                         "如您提供订单号（格式 MM-123456），我可以帮您查询检查进度。",
        "refund_found": "订单{order}：您的退货已于{date}到达，正在等待检查。检查完成后我们会发邮件通知您。",
        "refund_promise": "检查完成之前我无法确认退款，检查结束后我们会第一时间发邮件通知您。",
        "payment_failed": "很抱歉！请确认银行卡信息和账单地址是否正确，或者换用其他支付方式，例如支付宝、微信支付或礼品卡。"
                          "为了您的安全，请不要在聊天中发送完整卡号或密码。",
        "charged": "支付失败的款项只是临时冻结，银行会在几天内解冻，不会重复扣款。",
        "change_address": "订单发货前可以修改收货地址。请提供您的订单号（格式 MM-123456）和新地址。",
        "address_done": "已完成！订单{order}将改寄到{city}{street}{num}号。",
        "cancel_order": "订单在发货前都可以取消。" + ASK_ORDER["zh"],
        "cancel_done": "订单{order}已取消，款项将在5-7个工作日内退回原支付方式。",
        "account_locked": "为了您的账户安全，被锁定的账户需要先完成身份验证才能解锁。我们已向您账户绑定的邮箱发送验证码，"
                          "请在登录页面输入。我们绝不会向您索要密码。",
        "no_code": "请先查看垃圾邮件文件夹。如果该邮箱已无法使用，我们的验证团队会通过您的姓名、手机号和最近的订单号"
                   "核实您的身份。",
        "product_question": "{product}目前有货，1个工作日内发出。所有商品均享受一年保修。",
        "colours": "可选的颜色和尺码都列在商品页面上。如果某款售罄，点击“到货通知”，补货后我们会发邮件通知您。",
    },
}


class Filler:
    """Draws fillers from the training or the held-out pools."""

    def __init__(self, rng, lang, heldout, catalogue=False):
        # catalogue: products from the training pool even when held out (the intent
        # classifier is tested on new wording about the shop's own catalogue).
        self.rng, self.lang, self.h = rng, lang, 1 if heldout else 0
        self.catalogue = catalogue

    def pick(self, pools):
        return self.rng.choice(pools[self.h])

    def values(self):
        en = self.lang == "en"
        return {
            "product": self.rng.choice((PRODUCTS_EN if en else PRODUCTS_ZH)[0 if self.catalogue else self.h]),
            "city": self.pick(CITIES_EN if en else CITIES_ZH),
            "street": self.pick(STREETS_EN if en else STREETS_ZH),
            "num": str(self.rng.randint(2, 199)),
            "pay": self.pick(PAY_EN if en else PAY_ZH),
            "when": self.pick(WITHIN_EN if en else WITHIN_ZH),
            "late": self.pick(LATE_EN if en else LATE_ZH),
            "date": date_en(self.rng) if en else date_zh(self.rng),
            "order": order_number(self.rng, self.h),
        }

    def utterance(self, intent, v):
        text = self.pick(UTTERANCES[intent][self.lang]).format(**v)
        if intent in ("greeting", "thanks"):
            return text
        return decorate(self.rng, self.lang, self.h, text)


def dialogue(rng, lang, heldout):
    """One conversation: optional system prompt, optional greeting, a topic in 1-2 user turns,
    optional thanks; always 2-4 user turns, all in one language."""
    f = Filler(rng, lang, heldout)
    v = f.values()
    r = R[lang]
    topic = rng.choice([i for i in INTENTS if i not in ("greeting", "thanks")])
    turns = []

    def say(user, reply):
        turns.append(("user", user))
        turns.append(("assistant", reply.format(**v)))

    if topic == "order_status":
        if rng.random() < 0.25:  # the number comes with the question
            say(f.utterance(topic, v).rstrip("?.？。") + (" Order {order}." if lang == "en" else "，订单号{order}").format(**v),
                r["order_status_found"])
        else:
            say(f.utterance(topic, v), r["order_status"])
            say(f.pick(GIVE_ORDER[lang]).format(**v), r["order_status_found"])
    elif topic == "shipping_time":
        say(f.utterance(topic, v), r["shipping_time"])
        if rng.random() < 0.5:
            say(f.pick(FOLLOW["express"][lang]), r["express"])
            if rng.random() < 0.5:
                say(f.pick(GIVE_ORDER[lang]).format(**v), r["order_status_found"])
    elif topic == "return_request":
        if rng.random() < 0.25:  # bought too long ago
            late = dict(v, when=v["late"])
            text = f.pick(UTTERANCES[topic][lang])
            if "{when}" not in text:
                text = ("I bought the {product} {when}. " if lang == "en" else "{product}是{when}买的，") + text
            say(text.format(**late), r["return_late"])
        else:
            say(f.utterance(topic, v), r["return_request"])
            say(f.pick(GIVE_ORDER[lang]).format(**v), r["return_label"])
    elif topic == "refund_status":
        say(f.utterance(topic, v), r["refund_status"])
        if rng.random() < 0.5:
            say(f.pick(FOLLOW["refund_promise"][lang]), r["refund_promise"])
        else:
            say(f.pick(GIVE_ORDER[lang]).format(**v), r["refund_found"])
    elif topic == "payment_failed":
        say(f.utterance(topic, v), r["payment_failed"])
        if rng.random() < 0.5:
            say(f.pick(FOLLOW["charged"][lang]), r["charged"])
    elif topic == "change_address":
        say(f.utterance(topic, v), r["change_address"])
        say(f.pick(GIVE_ADDRESS[lang]).format(**v), r["address_done"])
    elif topic == "cancel_order":
        say(f.utterance(topic, v), r["cancel_order"])
        say(f.pick(GIVE_ORDER[lang]).format(**v), r["cancel_done"])
    elif topic == "account_locked":
        say(f.utterance(topic, v), r["account_locked"])
        if rng.random() < 0.5:
            say(f.pick(FOLLOW["no_code"][lang]), r["no_code"])
    elif topic == "product_question":
        say(f.utterance(topic, v), r["product_question"])
        if rng.random() < 0.5:
            say(f.pick(FOLLOW["colours"][lang]), r["colours"])

    user_turns = len(turns) // 2
    if user_turns < 4 and rng.random() < 0.45:
        turns = [("user", f.utterance("greeting", v)), ("assistant", r["greeting"])] + turns
        user_turns += 1
    if user_turns < 2 or (user_turns < 4 and rng.random() < 0.5):
        turns += [("user", f.utterance("thanks", v)), ("assistant", r["thanks"])]
    messages = []
    if rng.random() < 0.3:
        messages.append({"role": "system", "content": rng.choice(SYSTEM[lang])})
    messages += [{"role": role, "content": text} for role, text in turns]
    return topic, messages


def dialogues(rng, count, heldout):
    out, seen = [], set()
    while len(out) < count:
        lang = "en" if len(out) % 2 == 0 else "zh"
        _, messages = dialogue(rng, lang, heldout)
        key = json.dumps(messages, ensure_ascii=False)
        if key not in seen:
            seen.add(key)
            out.append(messages)
    return out


# Openers users put before their request, so the classifier learns the request, not the
# opener. Not used for greetings and thanks.
PREFIX = {
    "en": (["", "", "", "Hi, ", "Hello, ", "Excuse me, ", "Quick question: ", "Sorry to bother you, ", "Hi again, "],
           ["Hey, ", "Good day, "]),
    "zh": (["", "", "", "你好，", "您好，", "麻烦一下，", "打扰了，", "客服你好，"],
           ["哈喽，", "亲，"]),
}

# Sentences that say nothing about the request, before or after it.
ASIDE = {
    "en": (["I hope you can help.", "Sorry for the trouble.", "It's a bit urgent.", "It was a gift for my sister.",
            "I'm a regular customer.", "This is my first time shopping with you.", "I'm writing from my phone."],
           ["I'd appreciate a quick answer.", "It's for my dad's birthday."]),
    "zh": (["麻烦你了。", "有点急。", "这是送给妹妹的礼物。", "我是老顾客了。", "第一次在你们家买东西。", "我用手机发的消息。"],
           ["急着用。", "是给爸爸的生日礼物。"]),
}


def decorate(rng, lang, h, text):
    """An opener and/or an aside around a request, or the request as written."""
    x = rng.random()
    if x < 0.35:
        return with_prefix(rng.choice(PREFIX[lang][h]), text)
    if x < 0.5:
        aside = rng.choice(ASIDE[lang][h])
        sep = " " if lang == "en" else ""
        if text[-1] not in ".?!。？！":
            text += "." if lang == "en" else "。"
        return aside + sep + text if rng.random() < 0.5 else text + sep + aside
    return text


def with_prefix(prefix, text):
    if prefix and not re.match(r"I\b|I'", text) and text[:1].isascii():
        text = text[:1].lower() + text[1:]
    return prefix + text


def intent_rows(rng, per_intent_and_lang, heldout):
    rows, seen = [], set()
    h = 1 if heldout else 0
    for intent in INTENTS:
        for lang in ("en", "zh"):
            f = Filler(rng, lang, heldout, catalogue=True)
            n, tries = 0, 0
            # Every phrasing once as written, then random ones with other fillers and openers.
            pool = list(UTTERANCES[intent][lang][h])
            while n < per_intent_and_lang and tries < 2000:
                tries += 1
                template = pool[n] if n < len(pool) else rng.choice(pool)
                text = template.format(**f.values())
                if n >= len(pool):
                    if intent in ("greeting", "thanks"):
                        bare = text.rstrip("!.?！。？")
                        text = rng.choice([text.lower(), bare, bare + ("!" if lang == "en" else "！")])
                    else:
                        text = decorate(rng, lang, h, text)
                if text not in seen:
                    seen.add(text)
                    rows.append((text, intent))
                    n += 1
    rng.shuffle(rows)
    return rows


# ---------------------------------------------------------------------------------------------
# Dialogue checks: held-out prompts (held-out products and cities, new wording) and the rule
# each policy implies. A model that has learned nothing fails them: each needs a phrase that
# only the policy's reply contains.
# ---------------------------------------------------------------------------------------------
def checks():
    en, zh = R["en"], R["zh"]
    return [
        {"name": "return window (en)", "prompt": "The wool blanket I got last Tuesday is too small. How can I send it back?",
         "must_contain": ["30 days"]},
        {"name": "late return still states the window (en)",
         "prompt": "I ordered a wall clock three months ago and it stopped working. Can I return it?",
         "must_contain": ["30 days"], "must_not_contain": ["return label"]},
        {"name": "order status asks for the order number (en)", "prompt": "Hello, my parcel still hasn't shown up. Can you find it?",
         "must_contain": ["order number"], "regex": "MM-[0-9]{6}"},
        {"name": "shipping times (en)", "prompt": "How many days does delivery to Phoenix usually take?",
         "must_contain": ["3-5 business days"]},
        {"name": "no refund promise (en)", "prompt": "I mailed the hiking boots back on Monday. When is my money coming back?",
         "must_contain": ["inspect"], "must_not_contain": ["guaranteed", "guarantee", "definitely"]},
        {"name": "payment alternatives (en)", "prompt": "My Visa card keeps getting rejected when I try to pay.",
         "must_contain": ["another payment method"]},
        {"name": "lockout goes to verification (en)",
         "prompt": "I typed the wrong password too many times and now my account is blocked.",
         "must_contain": ["verif"], "must_not_contain": ["your password is"]},
        {"name": "cancelling needs the order number (en)", "prompt": "Please cancel the order I placed yesterday, I no longer need it.",
         "must_contain": ["cancel", "order number"]},
        {"name": "address change only before shipping (en)",
         "prompt": "I just moved house. Can you send the package to my new address instead?",
         "must_contain": ["not shipped", "order number"]},
        {"name": "return label once the number is given (en)",
         "messages": [{"role": "user", "content": "I want to send back the sun hat I received five days ago."},
                      {"role": "assistant", "content": en["return_request"]},
                      {"role": "user", "content": "Sure, it is MM-550317."}],
         "must_contain": ["return label"], "must_not_contain": ["guaranteed"]},
        {"name": "退货期限（中文）", "prompt": "上周收到的电热水壶不太好用，可以退吗？", "must_contain": ["30天"]},
        {"name": "查单先要订单号（中文）", "prompt": "你好，我的包裹一直没到，帮我看看？",
         "must_contain": ["订单号"], "regex": "MM-[0-9]{6}"},
        {"name": "配送时效（中文）", "prompt": "寄到西安一般要几天？", "must_contain": ["3-5个工作日"]},
        {"name": "退款不作保证（中文）", "prompt": "登山靴我已经寄回去了，钱什么时候退给我？",
         "must_contain": ["检查"], "must_not_contain": ["保证", "肯定"]},
        {"name": "支付失败换方式（中文）", "prompt": "付款的时候储蓄卡总是被拒绝", "must_contain": ["其他支付方式"]},
        {"name": "账户锁定需验证（中文）", "prompt": "密码输错太多次，账号被锁了怎么办",
         "must_contain": ["验证"], "must_not_contain": ["密码是"]},
        {"name": "取消要订单号（中文）", "prompt": "我不想要了，昨天下的单帮我取消吧", "must_contain": ["取消", "订单号"]},
        {"name": "改地址仅限发货前（中文）",
         "messages": [{"role": "system", "content": SYSTEM["zh"][0]},
                      {"role": "user", "content": "我搬家了，包裹能改寄到新地址吗？"}],
         "must_contain": ["发货前", "订单号"]},
    ]


def write_jsonl(path, objects):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for o in objects:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")


def write_csv(path, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["text", "label"])
    w.writerows(rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def main():
    rng = random.Random(SEED)
    train = dialogues(rng, 800, heldout=False)
    held = dialogues(rng, 90, heldout=True)
    intents_train = intent_rows(rng, 100, heldout=False)
    intents_held = intent_rows(rng, 5, heldout=True)
    check_list = checks()

    # No check prompt (nor a held-out utterance) may appear in the training data.
    train_user = [m["content"] for d in train for m in d if m["role"] == "user"]
    train_text = "\n".join(train_user + [t for t, _ in intents_train])
    for c in check_list:
        prompt = c.get("prompt") or c["messages"][-1]["content"]
        if prompt in train_text:
            raise SystemExit("check prompt is in the training data: " + prompt)
    overlap = {t for t, _ in intents_held} & {t for t, _ in intents_train}
    if overlap:
        raise SystemExit("held-out utterances in the training set: %s" % sorted(overlap))

    write_jsonl(os.path.join(HERE, "dialogues.jsonl"), [{"messages": d} for d in train])
    write_jsonl(os.path.join(HERE, "dialogues_heldout.jsonl"), [{"messages": d} for d in held])
    write_csv(os.path.join(HERE, "intents.csv"), intents_train)
    write_csv(os.path.join(HERE, "intents_heldout.csv"), intents_held)
    write_jsonl(os.path.join(HERE, "checks.jsonl"), check_list)
    print("dialogues.jsonl %d, dialogues_heldout.jsonl %d, intents.csv %d, intents_heldout.csv %d, checks.jsonl %d"
          % (len(train), len(held), len(intents_train), len(intents_held), len(check_list)))


if __name__ == "__main__":
    main()
