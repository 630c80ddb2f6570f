from pathlib import Path


def files_at(path, suffix, error):
    """The file at `path`, or the files ending in `suffix` in the folder `path`, sorted by name.

    Raises `error` when there are none.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob(f"*{suffix}"))
        if not files:
            raise error(f"{path} holds no {suffix} file")
        return files
    if not path.is_file():
        raise error(f"{path} does not exist")
    return [path]
