"""Every AWS call site of ingest, respond, follow-up and the staff actions, as `injection.site_of` names them.

The census test fails when ackline gains a call site this list lacks (it would get no fault scenario) or when
the hard day stops reaching one it names (its scenario would test nothing).
"""

INGEST = (
    "dynamodb.PutItem.INT",  # store once (the conditional put that also dedupes)
    "dynamodb.BatchGetItem.INT",  # a redelivery reads its outstanding work back
    "dynamodb.GetItem.AUTHOR",  # is the abusive author flagged
    "dynamodb.UpdateItem.AUTHOR",  # count the abuse
    "dynamodb.UpdateItem.DEMAND",  # count a feature request
    "dynamodb.BatchGetItem.REPLY",  # which of our replies a WhatsApp status is about
    "dynamodb.UpdateItem.REPLY.park",  # a status about a reply whose link is not written yet
    "dynamodb.UpdateItem.INT.delivery",  # move a reply's delivery state forward
    "sqs.SendMessageBatch.AckQueue",
    "sqs.SendMessageBatch.FollowUpQueue",  # also the responder's hand-off to a person
)
RESPOND = (
    "dynamodb.UpdateItem.INT.claim",  # the lease
    "dynamodb.GetItem.INT",  # a refused claim reads the state (and FollowUp reads the interaction)
    "dynamodb.Query.ConversationIndex",  # recent replies to this author (and a case's conversation)
    "dynamodb.GetItem.POST",  # the post's reply memory
    "dynamodb.UpdateItem.INT.finish:sent",  # the platform's answer, recorded first
    "dynamodb.UpdateItem.INT.finish:pending",  # the lease handed back (nothing sent)
    "dynamodb.UpdateItem.INT.finish:failed",
    "dynamodb.UpdateItem.INT.finish:unknown",
    "dynamodb.UpdateItem.POST",  # remember the variant under the post (one hot key under a viral post)
    "dynamodb.UpdateItem.REPLY.link",  # so delivery reports find the reply
)
FOLLOW_UP = (
    "dynamodb.GetItem.CONV",  # the conversation's open-case pointer
    "dynamodb.TransactWriteItems.Put:CASE+Put:CONV",  # open a case
    "dynamodb.GetItem.CASE",
    "dynamodb.UpdateItem.CASE.append",  # another interaction joins the open case
    "dynamodb.UpdateItem.CASE.reasons",  # a later reason (the reply failed) joins it
    "dynamodb.UpdateItem.CASE",  # the claim_alert lease taken before a P1 alert (one alert per case)
    "dynamodb.UpdateItem.CASE.alerted",
    "sns.Publish",  # the P1 alert
)
STAFF = (
    "dynamodb.Query.QueueIndex",  # list the queue
    "dynamodb.TransactWriteItems.Put:CASE+Update:CASE",  # claim (plus its event in the case history)
    # resolve: free the conversation, record the event, remember the last case of the conversation
    "dynamodb.TransactWriteItems.Delete:CONV+Put:CASE+Put:CONV+Update:CASE",
)
SITES = INGEST + RESPOND + FOLLOW_UP + STAFF

# Reached only when a status arrives before our reply's link: its scenario first fails the link once.
NEEDS_LATE_LINK = {"dynamodb.UpdateItem.REPLY.park"}
