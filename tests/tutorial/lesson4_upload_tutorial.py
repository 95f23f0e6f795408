# Part2 将模型save本地，上传至远程存储桶
from tensorflow import keras
import os
# 保存模型，检查并创建目录 (exist_ok=True 表示如果文件夹已存在则不报错)
save_path = "models/detect-digits.keras"
os.makedirs(os.path.dirname(save_path), exist_ok=True)
keras.models.save_model(model, save_path)

# 上传到远程桶
minio_client = Minio(
    "minio-service.kubeflow:9000",
    access_key="minio",
    secret_key="minio123",
    secure=False
)
bucket_name = "mlpipeline"
local_path="models/detect-digits.keras",
remote_path="models"
minio_client.fput_object(bucket_name, remote_path, local_path)
# 成功上传文件: models/detect-digits.keras -> models/detect-digits.keras
# 最终路径 - s3://mlpipeline/models/detect-digits.keras
