-- AlterTable
ALTER TABLE "Review" ADD COLUMN     "snapshotSource" TEXT NOT NULL DEFAULT 'fleetlm';

-- CreateTable
CREATE TABLE "ScoreConfig" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "rubric" TEXT NOT NULL DEFAULT '',
    "min" DOUBLE PRECISION,
    "max" DOUBLE PRECISION,
    "step" DOUBLE PRECISION,
    "options" TEXT NOT NULL DEFAULT '[]',
    "required" BOOLEAN NOT NULL DEFAULT true,
    "retired" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScoreConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewScore" (
    "reviewId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "configId" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "ReviewScore_pkey" PRIMARY KEY ("reviewId","key")
);

-- CreateTable
CREATE TABLE "ReviewQueue" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "filters" TEXT NOT NULL DEFAULT '{}',
    "scoreKeys" TEXT NOT NULL DEFAULT '[]',
    "reviewerIds" TEXT NOT NULL DEFAULT '[]',
    "reviewsNeeded" INTEGER NOT NULL DEFAULT 1,
    "reserveMinutes" INTEGER NOT NULL DEFAULT 15,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archivedAt" TIMESTAMP(3),

    CONSTRAINT "ReviewQueue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QueueItem" (
    "queueId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "rank" TEXT NOT NULL,
    "reviewsDone" INTEGER NOT NULL DEFAULT 0,
    "reservedById" TEXT,
    "reservedUntil" TIMESTAMP(3),

    CONSTRAINT "QueueItem_pkey" PRIMARY KEY ("queueId","sessionId","seq")
);

-- CreateTable
CREATE TABLE "QueueReview" (
    "queueId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "reviewId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QueueReview_pkey" PRIMARY KEY ("queueId","sessionId","seq","reviewerId")
);

-- CreateTable
CREATE TABLE "Adjudication" (
    "queueId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "adminId" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Adjudication_pkey" PRIMARY KEY ("queueId","sessionId","seq","key")
);

-- CreateTable
CREATE TABLE "ReplySnapshot" (
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReplySnapshot_pkey" PRIMARY KEY ("sessionId","seq")
);

-- CreateTable
CREATE TABLE "Dataset" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DatasetItem" (
    "id" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "reviewId" TEXT,
    "messages" TEXT NOT NULL,
    "reply" TEXT NOT NULL,
    "corrected" TEXT,
    "rating" TEXT,
    "scores" TEXT NOT NULL DEFAULT '{}',
    "addedById" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DatasetItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ScoreConfig_key_version_key" ON "ScoreConfig"("key", "version");

-- CreateIndex
CREATE INDEX "ReviewScore_configId_idx" ON "ReviewScore"("configId");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewQueue_name_key" ON "ReviewQueue"("name");

-- CreateIndex
CREATE INDEX "QueueItem_queueId_reviewsDone_rank_idx" ON "QueueItem"("queueId", "reviewsDone", "rank");

-- CreateIndex
CREATE INDEX "QueueItem_queueId_reservedById_idx" ON "QueueItem"("queueId", "reservedById");

-- CreateIndex
CREATE INDEX "QueueReview_queueId_reviewerId_idx" ON "QueueReview"("queueId", "reviewerId");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_name_key" ON "Dataset"("name");

-- CreateIndex
CREATE UNIQUE INDEX "DatasetItem_datasetId_sessionId_seq_key" ON "DatasetItem"("datasetId", "sessionId", "seq");

-- AddForeignKey
ALTER TABLE "ReviewScore" ADD CONSTRAINT "ReviewScore_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "Review"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewScore" ADD CONSTRAINT "ReviewScore_configId_fkey" FOREIGN KEY ("configId") REFERENCES "ScoreConfig"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QueueItem" ADD CONSTRAINT "QueueItem_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "ReviewQueue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "QueueReview" ADD CONSTRAINT "QueueReview_queueId_sessionId_seq_fkey" FOREIGN KEY ("queueId", "sessionId", "seq") REFERENCES "QueueItem"("queueId", "sessionId", "seq") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetItem" ADD CONSTRAINT "DatasetItem_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

