-- CreateTable
CREATE TABLE "Operator" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AuthSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "operatorId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip" TEXT,
    "userAgent" TEXT,
    CONSTRAINT "AuthSession_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "details" TEXT NOT NULL DEFAULT '{}',
    "ip" TEXT
);

-- CreateTable
CREATE TABLE "SessionIndex" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "headSeq" INTEGER NOT NULL DEFAULT 0,
    "opCount" INTEGER NOT NULL DEFAULT 0,
    "lastActivityAt" DATETIME,
    "lastSenderId" TEXT,
    "lastSenderRole" TEXT,
    "lastPreview" TEXT,
    "assigneeId" TEXT,
    "indexedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SessionLabel" (
    "sessionId" TEXT NOT NULL,
    "label" TEXT NOT NULL,

    PRIMARY KEY ("sessionId", "label"),
    CONSTRAINT "SessionLabel_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "SessionIndex" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "OperatorMessage" (
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,

    PRIMARY KEY ("sessionId", "seq")
);

-- CreateTable
CREATE TABLE "ReadCursor" (
    "operatorId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "lastSeq" INTEGER NOT NULL,
    "opCountAtCursor" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("operatorId", "sessionId"),
    CONSTRAINT "ReadCursor_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Note" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Note_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Takeover" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "activeSessionId" TEXT,
    "operatorId" TEXT NOT NULL,
    "reason" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastActivityAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "releasedAt" DATETIME,
    "releaseReason" TEXT,
    "releasedById" TEXT,
    CONSTRAINT "Takeover_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SentMessage" (
    "clientMessageId" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "takeoverId" TEXT NOT NULL,
    "operatorId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "seq" INTEGER,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CannedReply" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "GatedAgent" (
    "agentId" TEXT NOT NULL PRIMARY KEY,
    "originUrl" TEXT NOT NULL,
    "webhookPath" TEXT NOT NULL,
    "headers" TEXT NOT NULL DEFAULT '{}',
    "gateToken" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ReplyIndex" (
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "agentId" TEXT NOT NULL,
    "termination" TEXT NOT NULL,
    "latencyMs" INTEGER,
    "length" INTEGER NOT NULL,
    "byOperator" BOOLEAN NOT NULL DEFAULT false,
    "at" DATETIME NOT NULL,
    "flaggedAt" DATETIME,
    "flaggedById" TEXT,

    PRIMARY KEY ("sessionId", "seq")
);

-- CreateTable
CREATE TABLE "Review" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "agentId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "rating" TEXT NOT NULL,
    "labels" TEXT NOT NULL DEFAULT '',
    "comment" TEXT NOT NULL DEFAULT '',
    "textSnapshot" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Review_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Operator" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ReviewLabelDef" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "hotkey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "Operator_email_key" ON "Operator"("email");

-- CreateIndex
CREATE INDEX "AuthSession_operatorId_idx" ON "AuthSession"("operatorId");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_at_idx" ON "AuditEvent"("actorId", "at");

-- CreateIndex
CREATE INDEX "SessionIndex_lastActivityAt_idx" ON "SessionIndex"("lastActivityAt");

-- CreateIndex
CREATE INDEX "SessionIndex_userId_idx" ON "SessionIndex"("userId");

-- CreateIndex
CREATE INDEX "SessionIndex_agentId_lastActivityAt_idx" ON "SessionIndex"("agentId", "lastActivityAt");

-- CreateIndex
CREATE INDEX "SessionIndex_status_lastActivityAt_idx" ON "SessionIndex"("status", "lastActivityAt");

-- CreateIndex
CREATE INDEX "SessionIndex_assigneeId_lastActivityAt_idx" ON "SessionIndex"("assigneeId", "lastActivityAt");

-- CreateIndex
CREATE INDEX "SessionIndex_lastSenderRole_lastActivityAt_idx" ON "SessionIndex"("lastSenderRole", "lastActivityAt");

-- CreateIndex
CREATE INDEX "SessionLabel_label_idx" ON "SessionLabel"("label");

-- CreateIndex
CREATE INDEX "ReadCursor_sessionId_idx" ON "ReadCursor"("sessionId");

-- CreateIndex
CREATE INDEX "Note_sessionId_createdAt_idx" ON "Note"("sessionId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Takeover_activeSessionId_key" ON "Takeover"("activeSessionId");

-- CreateIndex
CREATE INDEX "Takeover_sessionId_startedAt_idx" ON "Takeover"("sessionId", "startedAt");

-- CreateIndex
CREATE INDEX "Takeover_operatorId_releasedAt_idx" ON "Takeover"("operatorId", "releasedAt");

-- CreateIndex
CREATE INDEX "SentMessage_sessionId_idx" ON "SentMessage"("sessionId");

-- CreateIndex
CREATE UNIQUE INDEX "CannedReply_title_key" ON "CannedReply"("title");

-- CreateIndex
CREATE INDEX "ReplyIndex_agentId_at_idx" ON "ReplyIndex"("agentId", "at");

-- CreateIndex
CREATE INDEX "ReplyIndex_flaggedAt_idx" ON "ReplyIndex"("flaggedAt");

-- CreateIndex
CREATE INDEX "ReplyIndex_at_idx" ON "ReplyIndex"("at");

-- CreateIndex
CREATE INDEX "Review_agentId_createdAt_idx" ON "Review"("agentId", "createdAt");

-- CreateIndex
CREATE INDEX "Review_createdAt_idx" ON "Review"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Review_sessionId_seq_reviewerId_key" ON "Review"("sessionId", "seq", "reviewerId");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewLabelDef_name_key" ON "ReviewLabelDef"("name");
