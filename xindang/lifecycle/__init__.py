"""The paper and electronic file through its life in the archive: physical loans (借阅) and loss reports,
the yearly transfer to the archive room with its four-property check, holds, archive statistics."""
